package io.lakestack.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An integration test on the real embedded stack: tagged {@code integration}, with a {@link TestStack} parameter
 * available to constructors, lifecycle methods and tests. The stack is started in the test JVM on first use and
 * stopped when the test run ends; every class whose options are the same shares one stack, and each other set of
 * options gets a stack of its own.
 *
 * <pre>{@code
 * @LakestackTest(trino = false)
 * class ArchiverTest
 * {
 *     @Test
 *     void archives(TestStack lakestack)
 *     {
 *         try (KinesisClient kinesis = lakestack.client(KinesisClient.builder()); S3Client s3 = lakestack.s3()) {
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("integration")
@ExtendWith(LakestackExtension.class)
public @interface LakestackTest
{
    /**
     * Whether Trino runs: Athena's engine, which a stack without it cannot query ({@link TestStack#trino()} refuses,
     * and Athena's queries fail saying so). Without it the stack spares Trino's 1 GB heap and the CPU of its start.
     */
    boolean trino() default true;

    /**
     * The data directory; empty for a temporary one, deleted when the run ends. A directory named here is kept, and a
     * stack started on it again goes on from what it holds, as {@code lakestack up --data-dir} does.
     */
    String dataDirectory() default "";

    /**
     * The endpoint's port, with the engines on the ports after it as {@code lakestack up --port} places them; 0 for
     * free ports.
     */
    int port() default 0;
}
