package io.lakestack.spi.lambda;

import static java.util.Objects.requireNonNull;

/**
 * What the pollers of a mapping report: its state as Lambda names it ({@code Creating}, {@code Enabled},
 * {@code Disabled}, {@code Deleting}...) and its {@code LastProcessingResult} ({@code No records processed},
 * {@code OK}, {@code PROBLEM: Function call failed}...).
 */
public record EventSourceMappingStatus(String uuid, String state, String lastProcessingResult, long updatedMillis)
{
    public EventSourceMappingStatus
    {
        requireNonNull(uuid, "uuid is null");
        requireNonNull(state, "state is null");
        requireNonNull(lastProcessingResult, "lastProcessingResult is null");
    }
}
