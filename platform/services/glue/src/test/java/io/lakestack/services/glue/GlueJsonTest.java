package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.Column;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the metastore would refuse with a database error, and what Glue refuses, is refused while reading the input. */
class GlueJsonTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonInput input(String json)
            throws Exception
    {
        return new JsonInput(JSON.readTree(json), "", "InvalidInputException");
    }

    @Test
    void columnNamesAreUniqueIgnoringCase()
            throws Exception
    {
        JsonInput table = input("{\"TableInput\":{\"Name\":\"t\",\"StorageDescriptor\":{\"Columns\":[{\"Name\":\"id\",\"Type\":\"bigint\"},"
                + "{\"Name\":\"Name\",\"Type\":\"string\"},{\"Name\":\"NAME\",\"Type\":\"string\"}]}}}").object("TableInput");

        assertThatThrownBy(() -> GlueJson.table("db", table))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("InvalidInputException");
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessage("Duplicate column 'NAME' at TableInput.StorageDescriptor.Columns.3: column 2 is 'Name' (the catalog compares column names "
                        + "ignoring case)");
    }

    @Test
    void aPartitionKeyMayNotRepeatAnother()
            throws Exception
    {
        JsonInput table = input("{\"TableInput\":{\"Name\":\"t\",\"PartitionKeys\":[{\"Name\":\"dt\"},{\"Name\":\"dt\"}]}}").object("TableInput");

        assertThatThrownBy(() -> GlueJson.table("db", table))
                .hasMessage("Duplicate column 'dt' at TableInput.PartitionKeys.2: column 1 is 'dt' (the catalog compares column names ignoring case)");
    }

    @Test
    void distinctColumnsAreKeptInOrder()
            throws Exception
    {
        JsonInput partition = input("{\"PartitionInput\":{\"Values\":[\"1\"],\"StorageDescriptor\":{\"Columns\":[{\"Name\":\"b\"},{\"Name\":\"a\"}]}}}")
                .object("PartitionInput");

        assertThat(GlueJson.partition("db", "t", partition).storage().columns()).extracting(Column::name).containsExactly("b", "a");
    }

    @Test
    void tagsAreCheckedAsGlueChecksThem()
            throws Exception
    {
        String fifty = IntStream.range(0, 50).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        assertThat(GlueJson.tags(input("{\"Tags\":{" + fifty + "}}"))).hasSize(50);
        assertThat(GlueJson.tags(input("{}"))).isEmpty();

        assertThatThrownBy(() -> GlueJson.tags(input("{\"Tags\":{" + fifty + ",\"one-more\":\"v\"}}")))
                .hasMessage("1 validation error detected: Value '(51 tags)' at 'Tags' failed to satisfy constraint: Member must have length less than or "
                        + "equal to 50");
        assertThatThrownBy(() -> GlueJson.tags(input("{\"Tags\":{\"" + "k".repeat(129) + "\":\"v\"}}")))
                .hasMessage("1 validation error detected: Value '" + "k".repeat(129) + "' at 'Tags' failed to satisfy constraint: Map keys must have "
                        + "length less than or equal to 128 and greater than or equal to 1");
        assertThatThrownBy(() -> GlueJson.tags(input("{\"Tags\":{\"k\":\"" + "v".repeat(257) + "\"}}")))
                .hasMessage("1 validation error detected: Value '" + "v".repeat(257) + "' at 'Tags.k' failed to satisfy constraint: Member must have "
                        + "length less than or equal to 256");
    }
}
