package io.lakestack.spi.stack;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What one component of the stack is doing.
 *
 * @param name the component, e.g. {@code kafka}, {@code object-store}, {@code metastore}, {@code trino}, {@code endpoint}
 * @param state its state
 * @param address where clients reach it, e.g. {@code 127.0.0.1:4567} or {@code http://127.0.0.1:4566}
 * @param detail for {@link ComponentState#FAILED} the reason and what to do; otherwise a short note or empty
 * @param startMillis how long it took to become ready, once it is
 */
public record ComponentStatus(String name, ComponentState state, String address, String detail, Optional<Long> startMillis)
{
    public ComponentStatus
    {
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        requireNonNull(address, "address is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(startMillis, "startMillis is null");
    }
}
