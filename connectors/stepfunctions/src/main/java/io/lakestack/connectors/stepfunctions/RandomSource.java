package io.lakestack.connectors.stepfunctions;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Where the interpreter's randomness comes from: {@code States.MathRandom} (without a seed), {@code States.UUID} and the
 * {@code FULL} jitter of retriers. Injected so tests know every value.
 */
public interface RandomSource
{
    /** A number in {@code [0, 1)}. */
    double nextDouble();

    /** A version 4 UUID. */
    UUID nextUuid();

    static RandomSource secure()
    {
        SecureRandom random = new SecureRandom();
        return new RandomSource()
        {
            @Override
            public double nextDouble()
            {
                return random.nextDouble();
            }

            @Override
            public UUID nextUuid()
            {
                return UUID.randomUUID();
            }
        };
    }
}
