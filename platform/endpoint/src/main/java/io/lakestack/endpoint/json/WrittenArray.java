package io.lakestack.endpoint.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;

import java.io.IOException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An array member of an answer written straight into it, element by element, as Jackson writes the answer (JSON or
 * CBOR), rather than built as a tree of nodes first: for answers of hundreds or thousands of elements (Kinesis's
 * {@code PutRecords} and {@code GetRecords}, Firehose's {@code PutRecordBatch}, Athena's result rows), which then hold
 * no node per element. It goes into an answer with {@code ObjectNode.putPOJO}.
 *
 * @param <T> the elements
 */
public final class WrittenArray<T>
        implements JsonSerializable
{
    /** Writes one element: a value, an object or an array, complete. */
    @FunctionalInterface
    public interface ElementWriter<T>
    {
        void write(JsonGenerator generator, T element)
                throws IOException;
    }

    private final List<T> elements;
    private final ElementWriter<? super T> writer;

    public WrittenArray(List<T> elements, ElementWriter<? super T> writer)
    {
        this.elements = requireNonNull(elements, "elements is null");
        this.writer = requireNonNull(writer, "writer is null");
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider)
            throws IOException
    {
        generator.writeStartArray(elements, elements.size());
        for (T element : elements) {
            writer.write(generator, element);
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
