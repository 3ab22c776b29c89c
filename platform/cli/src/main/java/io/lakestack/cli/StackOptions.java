package io.lakestack.cli;

import io.lakestack.embedded.StackLayout;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which stack a command is about: the one on this data directory. */
final class StackOptions
{
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the stack keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDirectory = Path.of(System.getProperty("user.home"), ".lakestack");

    StackLayout layout()
    {
        return new StackLayout(dataDirectory);
    }
}
