package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.Column;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowConverterTest
{
    private static final S3Destination.Deserializer OPEN_X = new S3Destination.Deserializer(true, true, Map.of(), false, List.of());

    @Test
    void convertsByTheCatalogsTypeTree()
            throws Exception
    {
        RowConverter converter = new RowConverter(List.of(
                Column.of("code", "VARCHAR(3)"),
                Column.of("amount", "decimal"),
                Column.of("owner", "struct<`first name`:string, age:INTEGER>"),
                Column.of("scores", "map<string,array<decimal(4,1)>>")), OPEN_X);

        assertThat(converter.types()).extracting(Object::toString)
                .containsExactly("varchar(3)", "decimal", "struct<first name:string,age:int>", "map<string,array<decimal(4,1)>>");
        List<Object[]> rows = converter.convert("""
                {"code": "abcdef", "amount": 12.5, "owner": {"first name": "ada", "age": 36}, "scores": {"q1": [1.25, 2]}}
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(rows).hasSize(1);
        Object[] row = rows.get(0);
        assertThat(row[0]).isEqualTo("abc");
        assertThat(row[1]).isEqualTo(new BigDecimal("13"));
        assertThat((Object[]) row[2]).containsExactly("ada", 36L);
        assertThat(row[3]).isEqualTo(Map.of("q1", List.of(new BigDecimal("1.3"), new BigDecimal("2.0"))));
    }

    @Test
    void openXWritesANestedObjectToAStringColumnAsJsonWithLowerCaseKeysAtEveryDepth()
            throws Exception
    {
        List<Column> columns = List.of(Column.of("eventtype", "string"), Column.of("currentagentsnapshot", "string"), Column.of("tags", "map<string,int>"));
        byte[] record = """
                {"EventType": "LOGIN", "CurrentAgentSnapshot": {"AgentStatus": {"Name": "Available"}, "Contacts": [{"ContactId": "c-1", "State": "CONNECTED"}]},
                 "Tags": {"Team": 1, "TEAM": 2}}
                """.getBytes(StandardCharsets.UTF_8);

        Object[] openX = new RowConverter(columns, OPEN_X).convert(record).get(0);
        assertThat(openX).containsExactly("LOGIN", "{\"agentstatus\":{\"name\":\"Available\"},\"contacts\":[{\"contactid\":\"c-1\",\"state\":\"CONNECTED\"}]}",
                Map.of("team", 1L));

        Object[] caseSensitive = new RowConverter(columns, new S3Destination.Deserializer(true, false, Map.of("eventtype", "EventType",
                "currentagentsnapshot", "CurrentAgentSnapshot", "tags", "Tags"), false, List.of())).convert(record).get(0);
        assertThat(caseSensitive).containsExactly("LOGIN",
                "{\"AgentStatus\":{\"Name\":\"Available\"},\"Contacts\":[{\"ContactId\":\"c-1\",\"State\":\"CONNECTED\"}]}",
                Map.of("Team", 1L, "TEAM", 2L));

        Object[] hive = new RowConverter(columns, new S3Destination.Deserializer(false, true, Map.of(), false, List.of())).convert(record).get(0);
        assertThat(hive[1]).isEqualTo("{\"AgentStatus\":{\"Name\":\"Available\"},\"Contacts\":[{\"ContactId\":\"c-1\",\"State\":\"CONNECTED\"}]}");
    }

    @Test
    void matchesTopLevelKeysAsTheOpenXSerDeDoes()
            throws Exception
    {
        List<Column> columns = List.of(Column.of("id", "bigint"), Column.of("name", "string"), Column.of("user_id", "string"),
                Column.of("total", "double"), Column.of("nested", "string"));
        // "Name" comes first, so it is the key the column takes, with its last value; "NAME" and a skipped
        // object between them do not count
        byte[] record = """
                {"Name": "first", "skipped": {"deep": [1, {"x": null}]}, "NAME": "other", "Name": "last", "id": 7, "user.id": "u-1",
                 "total": 2.50, "id": 8}
                {"ID": 9, "nested": {"B": [true, null]}}
                """.getBytes(StandardCharsets.UTF_8);

        RowConverter converter = new RowConverter(columns, new S3Destination.Deserializer(true, true, Map.of(), true, List.of()));
        List<Object[]> rows = converter.convert(record);

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(8L, "last", "u-1", 2.5, null);
        assertThat(rows.get(1)).containsExactly(9L, null, null, null, "{\"b\":[true,null]}");
    }

    @Test
    void takesAMappedKeyExactlyBeforeOneOfAnotherCase()
            throws Exception
    {
        List<Column> columns = List.of(Column.of("when", "string"), Column.of("label", "string"));
        S3Destination.Deserializer mapped = new S3Destination.Deserializer(true, true, Map.of("when", "TS", "label", "ts"), false, List.of());

        assertThat(new RowConverter(columns, mapped).convert("{\"ts\": \"lower\", \"TS\": \"upper\"}".getBytes(StandardCharsets.UTF_8)).get(0))
                .containsExactly("upper", "lower");
        assertThat(new RowConverter(columns, mapped).convert("{\"Ts\": \"mixed\"}".getBytes(StandardCharsets.UTF_8)).get(0))
                .containsExactly("mixed", "mixed");
    }

    @Test
    void refusesRecordsThatAreNotJsonObjects()
    {
        RowConverter converter = new RowConverter(List.of(Column.of("id", "int")), OPEN_X);

        assertThatThrownBy(() -> converter.convert("{\"id\": 1} [1, 2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RowConverter.ConversionFailure.class)
                .hasMessage("The record is not a JSON object (or several, one after another) but array [1,2]");
        assertThatThrownBy(() -> converter.convert("{\"id\": 1, \"other\": {\"a\": }}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RowConverter.ConversionFailure.class)
                .hasMessageStartingWith("The record is not valid JSON: Unexpected character ('}' (code 125))");
        assertThatThrownBy(() -> converter.convert("  ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RowConverter.ConversionFailure.class)
                .hasMessage("The record holds no JSON object");
        assertThatThrownBy(() -> converter.convert("{\"id\": \"seven\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RowConverter.ConversionFailure.class)
                .hasMessage("Cannot convert string \"seven\" of id to int");
    }

    @Test
    void holdsADecimalWithoutPrecisionToTenDigits()
    {
        RowConverter converter = new RowConverter(List.of(Column.of("amount", "decimal")), OPEN_X);

        assertThatThrownBy(() -> converter.convert("{\"amount\": 12345678901}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RowConverter.ConversionFailure.class)
                .hasMessage("Value 12345678901 of amount does not fit decimal");
    }

    @Test
    void refusesTypesTheWritersCannotWrite()
    {
        assertThatThrownBy(() -> new RowConverter(List.of(Column.of("id", "int"), Column.of("choice", "array<uniontype<int,string>>")), OPEN_X))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column choice has type array<uniontype<int,string>>, which record format conversion cannot write");
        assertThatThrownBy(() -> new RowConverter(List.of(Column.of("id", "integr")), OPEN_X))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid type 'integr' at position 6: 'integr' is not a Hive type");
    }
}
