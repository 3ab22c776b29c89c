package io.lakestack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "run", description = "Run a reference pipeline: deploy it through the AWS APIs (on lakestack, or on AWS with --profile aws), "
        + "feed it generated records, wait for the answer and print the analysts' queries with their answers.",
        subcommands = {RunAgentEventsCommand.class, RunGithubArchiveCommand.class, RunContactCenterCommand.class, RunClickstreamCommand.class})
final class RunCommand
        implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
