package io.lakestack.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the shared {@link TestStack} on first use and stops it when the test run ends (through JUnit's root store,
 * which closes what it holds after the last test).
 */
public final class LakestackExtension
        implements ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LakestackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        return parameterContext.getParameter().getType() == TestStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        return extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestStack.class, ignored -> TestStack.start(), TestStack.class);
    }
}
