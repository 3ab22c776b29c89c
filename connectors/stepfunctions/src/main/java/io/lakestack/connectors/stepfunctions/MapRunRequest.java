package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One Map Run of a distributed Map state.
 *
 * @param childDefinition the state machine definition each child execution runs (the Map's {@code ItemProcessor})
 * @param express whether the children are {@code EXPRESS} executions ({@code ProcessorConfig.ExecutionType})
 * @param childInputs the input of each child execution, in item order
 * @param itemsPerChild how many items each child processes (1, or its batch's size)
 * @param maxConcurrency children running at once, 0 for no limit
 * @param toleratedFailurePercentage negative when the state sets none
 * @param toleratedFailureCount negative when the state sets none
 * @param resultWriter where the results go ({@code ResultWriter}'s {@code Resource} and {@code Parameters}), if anywhere
 * @param transformation what the results of the children are turned into ({@code ResultWriter.WriterConfig.Transformation}),
 *         in the S3 export's {@code SUCCEEDED} file or, without an export, in the Map's result
 */
public record MapRunRequest(String executionArn, String mapRunArn, String childDefinition, boolean express, List<JsonNode> childInputs,
        List<Integer> itemsPerChild, int maxConcurrency, double toleratedFailurePercentage, long toleratedFailureCount,
        Optional<ResultWriter> resultWriter, Transformation transformation)
{
    public MapRunRequest
    {
        requireNonNull(executionArn, "executionArn is null");
        requireNonNull(mapRunArn, "mapRunArn is null");
        requireNonNull(childDefinition, "childDefinition is null");
        childInputs = List.copyOf(childInputs);
        itemsPerChild = List.copyOf(itemsPerChild);
        requireNonNull(resultWriter, "resultWriter is null");
        requireNonNull(transformation, "transformation is null");
    }

    /**
     * {@code ResultWriter.WriterConfig.Transformation}: what a child execution's result becomes. A child that did not
     * succeed is never transformed.
     */
    public enum Transformation
    {
        /** The child execution's record: its ARN, name, input, output, status, dates (the S3 export's default). */
        NONE,
        /** The child execution's output (the default without an S3 export). */
        COMPACT,
        /** The child execution's output, an array's elements each taken as one result. */
        FLATTEN;

        /** The transformation a {@code ResultWriter} without one applies: {@code NONE} with an S3 export, else {@code COMPACT}. */
        public static Transformation byDefault(boolean exported)
        {
            return exported ? NONE : COMPACT;
        }
    }

    /**
     * {@code ResultWriter}'s {@code Parameters}: results go under {@code <prefix>/<map run id>/}, in files of the
     * {@code WriterConfig}'s {@code OutputType} ({@code JSON} when it has none).
     */
    public record ResultWriter(String bucket, String prefix, OutputType outputType)
    {
        public ResultWriter
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(prefix, "prefix is null");
            requireNonNull(outputType, "outputType is null");
        }
    }

    /** {@code ResultWriter.WriterConfig.OutputType}: how the exported result files hold their entries. */
    public enum OutputType
    {
        /** One JSON array of the entries: {@code SUCCEEDED_0.json}. */
        JSON(".json", "application/json"),
        /** JSON Lines, one entry a line: {@code SUCCEEDED_0.jsonl}. */
        JSONL(".jsonl", "application/jsonl");

        private final String extension;
        private final String contentType;

        OutputType(String extension, String contentType)
        {
            this.extension = extension;
            this.contentType = contentType;
        }

        public String extension()
        {
            return extension;
        }

        public String contentType()
        {
            return contentType;
        }
    }
}
