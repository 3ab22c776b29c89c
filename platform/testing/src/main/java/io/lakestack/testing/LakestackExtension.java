package io.lakestack.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;

/**
 * Starts a {@link TestStack} on first use, one for each set of {@link LakestackTest} options, and stops it when the test
 * run ends (through JUnit's root store, which closes what it holds after the last test). A class registered with
 * {@code @ExtendWith(LakestackExtension.class)} and no {@link LakestackTest} gets the default options.
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
        TestStack.Options options = extensionContext.getTestClass().flatMap(LakestackExtension::annotation)
                .map(TestStack.Options::of)
                .orElse(TestStack.Options.DEFAULT);
        return extensionContext.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(options, TestStack::start, TestStack.class);
    }

    /** The options of a test class: its own, or those of the class it is nested in. */
    private static Optional<LakestackTest> annotation(Class<?> testClass)
    {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            Optional<LakestackTest> found = AnnotationSupport.findAnnotation(type, LakestackTest.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
