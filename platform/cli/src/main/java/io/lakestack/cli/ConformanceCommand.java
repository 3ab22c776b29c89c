package io.lakestack.cli;

import picocli.CommandLine.Command;

@Command(name = "conformance", description = "Run a standard conformance suite against the endpoint and print its pass rate.",
        subcommands = {S3ConformanceCommand.class})
final class ConformanceCommand
{
}
