package io.lakestack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * {@code ./lakestack}: runs the embedded stack of real engines behind one AWS-compatible endpoint.
 *
 * <p>No static logger here: the log directory must be set before logging starts.
 */
@Command(name = "lakestack",
        mixinStandardHelpOptions = true,
        versionProvider = Lakestack.Version.class,
        description = "A local AWS data platform on real engines: Kafka (Kinesis, Firehose, CloudWatch Logs, Lambda events), an S3 server, the Hive Metastore (Glue), Trino (Athena) and Lambda functions as local processes, behind one AWS endpoint.",
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, DemoCommand.class, RunCommand.class, BenchCommand.class, ConformanceCommand.class,
                CommandLine.HelpCommand.class})
public final class Lakestack
        implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args)
    {
        System.exit(execute(args));
    }

    static int execute(String... args)
    {
        CommandLine commandLine = new CommandLine(new Lakestack());
        commandLine.setExecutionExceptionHandler((exception, line, parsed) -> {
            String message = exception.getMessage() == null ? exception.toString() : exception.getMessage();
            // one line each: an error of several lines (one per unreachable engine) prints each with the prefix
            message.lines().forEach(text -> line.getErr().println("lakestack: " + text));
            if (Boolean.getBoolean("lakestack.debug")) {
                exception.printStackTrace(line.getErr());
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    /** Sends the launcher's own log to {@code <data dir>/logs/lakestack.log}; called before the first log line. */
    static void logTo(Path dataDirectory)
    {
        System.setProperty("lakestack.log.dir", dataDirectory.resolve("logs").toAbsolutePath().toString());
    }

    static final class Version
            implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            String version = Lakestack.class.getPackage().getImplementationVersion();
            return new String[] {"lakestack " + (version == null ? "development build" : version)};
        }
    }
}
