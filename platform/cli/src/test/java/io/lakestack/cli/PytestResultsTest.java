package io.lakestack.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class PytestResultsTest
{
    /**
     * pytest-junit.xml is pytest 9.1's --junitxml (xunit2) of a test file with: a test that passes, one that fails, one
     * that fails and whose fixture's teardown fails (written twice), one that passes and whose teardown fails, one whose
     * setup fails, one that skips itself, and a test with two parameters, one passing and one failing. pytest's own
     * summary says "3 failed, 3 passed, 1 skipped, 3 errors" over those 8 tests.
     */
    @Test
    void countsEachTestOnceByItsWorstOutcome()
            throws IOException
    {
        PytestResults results = parse();

        assertThat(results.counts()).isEqualTo(new PytestResults.Counts(8, 2, 3, 2, 1, 1));
        assertThat(results.counts().passRate()).isEqualTo(100.0 * 2 / 7);
        assertThat(results.outcomes()).extracting(PytestResults.Outcome::test, PytestResults.Outcome::kind).containsExactly(
                tuple("test_pass", PytestResults.Kind.PASSED),
                tuple("test_fail", PytestResults.Kind.FAILED),
                tuple("test_fail_and_teardown", PytestResults.Kind.FAILED),
                tuple("test_pass_then_teardown", PytestResults.Kind.ERRORED),
                tuple("test_setup", PytestResults.Kind.ERRORED),
                tuple("test_skip", PytestResults.Kind.SKIPPED),
                tuple("test_param[1]", PytestResults.Kind.PASSED),
                tuple("test_param[2]", PytestResults.Kind.FAILED));
    }

    @Test
    void listsEachOutcomeWithTheFirstLineOfItsMessage()
            throws IOException
    {
        assertThat(parse().outcomeList()).isEqualTo("""
                passed   test_pass
                failed   test_fail: AssertionError: one is not two
                failed   test_fail_and_teardown: assert False
                errored  test_pass_then_teardown: failed on teardown with "RuntimeError: teardown broke"
                errored  test_setup: failed on setup with "RuntimeError: setup broke"
                skipped  test_skip: no api_name configured
                passed   test_param[1]
                failed   test_param[2]: assert 2 == 1
                """);
    }

    @Test
    void passRateOfNothingRunIsZero()
    {
        assertThat(new PytestResults.Counts(3, 0, 0, 0, 3, 0).passRate()).isEqualTo(0.0);
        assertThat(new PytestResults.Counts(4, 3, 1, 0, 0, 0).passRate()).isEqualTo(75.0);
    }

    @Test
    void refusesWhatIsNotXml()
    {
        assertThatThrownBy(() -> PytestResults.parse(new ByteArrayInputStream("3 passed".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("not pytest's JUnit XML");
    }

    private static PytestResults parse()
            throws IOException
    {
        try (InputStream in = PytestResultsTest.class.getResourceAsStream("pytest-junit.xml")) {
            return PytestResults.parse(in);
        }
    }
}
