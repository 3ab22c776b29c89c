package io.lakestack.services.athena;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lakestack.endpoint.json.WrittenArray;

import java.io.IOException;
import java.util.List;

/**
 * The {@code Rows} of a {@code GetQueryResults} page, written straight into the answer as Jackson writes it (JSON or
 * CBOR): {@code [{"Data":[{"VarCharValue":"v"},{}]}]}, an empty datum for NULL. A page holds up to 1,000 rows, and
 * building a tree of them first cost more than writing them.
 */
final class ResultRows
{
    private ResultRows() {}

    static WrittenArray<List<String>> of(List<List<String>> rows)
    {
        return new WrittenArray<>(List.copyOf(rows), ResultRows::write);
    }

    private static void write(JsonGenerator generator, List<String> row)
            throws IOException
    {
        generator.writeStartObject();
        generator.writeArrayFieldStart("Data");
        for (String value : row) {
            generator.writeStartObject();
            if (value != null) {
                generator.writeStringField("VarCharValue", value);
            }
            generator.writeEndObject();
        }
        generator.writeEndArray();
        generator.writeEndObject();
    }
}
