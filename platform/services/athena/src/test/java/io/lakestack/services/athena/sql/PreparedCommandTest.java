package io.lakestack.services.athena.sql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreparedCommandTest
{
    @Test
    void parsesPrepareExecuteAndDeallocate()
    {
        assertThat(PreparedCommand.parse("PREPARE q1 FROM SELECT * FROM t WHERE a = ? AND b = ?;"))
                .contains(new PreparedCommand.Prepare("q1", "SELECT * FROM t WHERE a = ? AND b = ?"));
        assertThat(PreparedCommand.parse("EXECUTE q1")).contains(new PreparedCommand.Execute("q1", List.of()));
        assertThat(PreparedCommand.parse("EXECUTE q1 USING 'a,b', from_iso8601_date('2024-01-01'), ARRAY[1, 2], -3"))
                .contains(new PreparedCommand.Execute("q1", List.of("'a,b'", "from_iso8601_date('2024-01-01')", "ARRAY[1, 2]", "-3")));
        assertThat(PreparedCommand.parse("DEALLOCATE PREPARE q1")).contains(new PreparedCommand.Deallocate("q1"));
        assertThat(PreparedCommand.parse("SELECT 1")).isEqualTo(Optional.empty());
    }

    @Test
    void refusesMalformedCommands()
    {
        assertThatThrownBy(() -> PreparedCommand.parse("PREPARE q1 SELECT 1")).hasMessageStartingWith("line 1:9: PREPARE <name> FROM <statement> expected");
        assertThatThrownBy(() -> PreparedCommand.parse("EXECUTE q1 WITH 1")).hasMessageStartingWith("line 1:12: USING value");
        assertThatThrownBy(() -> PreparedCommand.parse("EXECUTE q1 USING 1,")).hasMessageContaining("a value is missing in USING");
        assertThatThrownBy(() -> PreparedCommand.parse("DEALLOCATE q1")).hasMessageContaining("DEALLOCATE PREPARE <name> expected");
    }
}
