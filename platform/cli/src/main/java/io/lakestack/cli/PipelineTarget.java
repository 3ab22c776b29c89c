package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AwsTarget;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Where {@code run} deploys a pipeline: lakestack (the running stack, or one it starts) or AWS itself. */
final class PipelineTarget
{
    @Option(names = "--profile", paramLabel = "local|aws", description = "local: lakestack's endpoint (default); aws: AWS itself, with the default "
            + "credential chain, in --region (with --bucket, and --role-arn where the command needs a role).")
    String profile = "local";

    @Option(names = "--region", paramLabel = "REGION", description = "The region (default: $AWS_REGION, else us-east-1).")
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");

    @Option(names = "--keep-running", description = "Leave the stack running afterwards (when this command started it).")
    boolean keepRunning;

    interface Work
    {
        void run(AwsTarget target)
                throws Exception;
    }

    /** Runs the work on the target the options name: work that needs no role, such as the demo. */
    void run(String command, StackOptions location, StartOptions start, PrintStream out, Work work)
            throws Exception
    {
        switch (profile) {
            case "local" -> StackSession.run(command, location, start, keepRunning, out,
                    stack -> work.run(AwsTarget.lakestack(URI.create(stack.endpoint()), stack.region(), stack.accessKey(), stack.secretKey())));
            case "aws" -> work.run(AwsTarget.aws(region));
            default -> throw new IllegalArgumentException("--profile is local or aws, not " + profile);
        }
    }

    /**
     * Runs the work on the target the options name; on AWS only with a role of the caller's account
     * ({@code roleNeeds} says what it must be allowed to do).
     */
    void run(String command, StackOptions location, StartOptions start, String roleArn, String roleNeeds, PrintStream out, Work work)
            throws Exception
    {
        if (profile.equals("aws") && roleArn.contains(":000000000000:")) {
            throw new IllegalArgumentException("--profile aws needs --role-arn: " + roleNeeds);
        }
        run(command, location, start, out, work);
    }

    /**
     * The Lambda runtime a pipeline's Python functions get: the one named, else on lakestack the version of python3 on
     * this machine (which lakestack's Python functions run on), else on AWS {@code python3.12}.
     */
    static String pythonRuntime(String named, AwsTarget target)
            throws IOException, InterruptedException
    {
        if (named != null) {
            return named;
        }
        if (!target.lakestack()) {
            return "python3.12";
        }
        Process process = new ProcessBuilder("python3", "-c", "import sys; print('python%d.%d' % sys.version_info[:2])").redirectErrorStream(true).start();
        String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || !version.matches("python3\\.\\d+")) {
            throw new IllegalStateException("the functions are Python, and python3 on the PATH did not say its version (" + version
                    + "); install Python 3.9 to 3.13 or name the runtime with --python-runtime");
        }
        return version;
    }
}
