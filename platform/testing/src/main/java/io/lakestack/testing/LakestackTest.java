package io.lakestack.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An integration test on the real embedded stack: tagged {@code integration}, with a {@link TestStack} parameter
 * available to constructors, lifecycle methods and tests. The stack is started once per test run (per test JVM) and
 * shared by every class that carries this annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
@ExtendWith(LakestackExtension.class)
public @interface LakestackTest
{
}
