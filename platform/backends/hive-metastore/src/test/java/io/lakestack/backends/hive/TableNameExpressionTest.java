package io.lakestack.backends.hive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableNameExpressionTest
{
    private static final List<String> NAMES = List.of("orders", "orders_2024", "customers", "ORDERS_archive", "x".repeat(30));

    @Test
    void matchesWholeNamesInAnyCase()
    {
        assertThat(matching("orders")).containsExactly("orders");
        assertThat(matching("orders.*")).containsExactly("orders", "orders_2024", "ORDERS_archive");
        assertThat(matching("Orders_\\d{4}")).containsExactly("orders_2024");
        assertThat(matching("cust|orders")).containsExactly("orders");
        assertThat(matching("[a-z]+_[[:alpha:]]+")).containsExactly("ORDERS_archive");
        assertThat(matching("\\Qorders_\\E.*")).containsExactly("orders_2024", "ORDERS_archive");
        assertThat(matching("*")).isEqualTo(NAMES);
        assertThat(matching(".*")).isEqualTo(NAMES);
        assertThat(matching("rders")).isEmpty();
    }

    @Test
    @Timeout(10)
    void matchesNestedQuantifiersInLinearTime()
    {
        // java.util.regex takes about two minutes of a core on thirty x, doubling with every x more
        assertThat(matching("((x+)+)+y")).isEmpty();
        assertThat(matching("((x+)+)+")).containsExactly("x".repeat(30));
        assertThat(TableNameExpression.compile("((x+)+)+y").test("x".repeat(255))).isFalse();
    }

    @Test
    void refusesWhatRe2CannotCompileWithTheReason()
    {
        assertThatThrownBy(() -> TableNameExpression.compile("("))
                .hasMessage("Expression '(' is not a valid regular expression: missing closing ) (lakestack reads RE2 syntax: no backreferences or lookaround)");
        assertThatThrownBy(() -> TableNameExpression.compile("(a)\\1"))
                .hasMessage("Expression '(a)\\1' is not a valid regular expression: invalid escape sequence (lakestack reads RE2 syntax: no backreferences or "
                        + "lookaround)");
        assertThatThrownBy(() -> TableNameExpression.compile("(?=orders)orders"))
                .hasMessage("Expression '(?=orders)orders' is not a valid regular expression: invalid or unsupported Perl syntax (lakestack reads RE2 "
                        + "syntax: no backreferences or lookaround)");
    }

    @Test
    void nestsGroupsAtMostOneHundredLevels()
    {
        assertThat(TableNameExpression.compile("(".repeat(100) + "orders" + ")".repeat(100)).test("orders")).isTrue();

        String deep = "(".repeat(101) + "orders" + ")".repeat(101);
        assertThatThrownBy(() -> TableNameExpression.compile(deep))
                .hasMessage("Expression '" + "(".repeat(100) + "... (208 characters)' nests groups more than 100 levels deep; lakestack accepts at most "
                        + "100 levels");
        String twentyThousand = "(".repeat(20_000) + "x" + ")".repeat(20_000);
        assertThatThrownBy(() -> TableNameExpression.compile(twentyThousand))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expression '" + "(".repeat(100) + "... (40001 characters)' nests groups more than 100 levels deep; lakestack accepts at most "
                        + "100 levels");
    }

    @Test
    @Timeout(10)
    void refusesExpressionsThatExpandBeyondTwoThousandInstructions()
    {
        assertThat(TableNameExpression.compile("[a-z]{1,900}").test("orders")).isTrue();
        assertThat(TableNameExpression.compile("(orders|customers){1,50}").test("orderscustomers")).isTrue();

        String tooLarge = "Expression '%s' is too large: written out (counted repetitions such as {n,m} expanded) it is more than 2000 instructions; "
                + "lakestack matches table names with expressions of at most 2000 instructions";
        // RE2J itself would expand this to a billion instructions, and run out of memory
        assertThatThrownBy(() -> TableNameExpression.compile("((x{1000}){1000}){1000}"))
                .hasMessage(tooLarge.formatted("((x{1000}){1000}){1000}"));
        assertThatThrownBy(() -> TableNameExpression.compile("x{2001}"))
                .hasMessage(tooLarge.formatted("x{2001}"));
        // counted as 1202 before compiling; RE2J compiles it to 2405 instructions
        assertThatThrownBy(() -> TableNameExpression.compile("([a-z]{1,600}){1,2}"))
                .hasMessage(tooLarge.formatted("([a-z]{1,600}){1,2}"));
        String alternatives = "orders|".repeat(300) + "orders";
        assertThatThrownBy(() -> TableNameExpression.compile(alternatives))
                .hasMessage(tooLarge.formatted(alternatives.substring(0, 100) + "... (2106 characters)"));
        assertThatThrownBy(() -> TableNameExpression.compile("{".repeat(1_000_000)))
                .hasMessage(tooLarge.formatted("{".repeat(100) + "... (1000000 characters)"));
    }

    private static List<String> matching(String expression)
    {
        Predicate<String> filter = TableNameExpression.compile(expression);
        return NAMES.stream().filter(filter).toList();
    }
}
