package io.lakestack.connectors.stepfunctions;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A state machine definition refused, with every problem found (AWS reports them all at once). The message is AWS's
 * {@code InvalidDefinition} message: {@code Invalid State Machine Definition: 'CODE: message at location, ...'}.
 */
public final class InvalidDefinitionException
        extends RuntimeException
{
    private final List<Diagnostic> diagnostics;

    InvalidDefinitionException(List<Diagnostic> diagnostics)
    {
        super(diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining(", ", "Invalid State Machine Definition: '", "'")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics()
    {
        return diagnostics;
    }
}
