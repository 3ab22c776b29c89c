package io.lakestack.services.athena;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;

import java.io.IOException;
import java.util.List;

/**
 * The {@code Rows} of a {@code GetQueryResults} page, written straight into the answer as Jackson writes it (JSON or
 * CBOR): {@code [{"Data":[{"VarCharValue":"v"},{}]}]}, an empty datum for NULL. A page holds up to 1,000 rows, and
 * building a tree of them first cost more than writing them.
 */
record ResultRows(List<List<String>> rows)
        implements JsonSerializable
{
    ResultRows
    {
        rows = List.copyOf(rows);
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider)
            throws IOException
    {
        generator.writeStartArray();
        for (List<String> row : rows) {
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
        generator.writeEndArray();
    }

    @Override
    public void serializeWithType(JsonGenerator generator, SerializerProvider provider, TypeSerializer typeSerializer)
            throws IOException
    {
        serialize(generator, provider);
    }
}
