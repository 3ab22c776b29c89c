package io.lakestack.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which AWS CLI the CLI tests use, and whether they fail or skip without one: decided on small shell scripts that
 * answer {@code --version} as an AWS CLI v2, a v1, or a broken installation would.
 */
class AwsCliTest
{
    private static final String V2 = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off";
    private static final String V1 = "aws-cli/1.45.11 Python/3.11.7 Linux/6.1.0 botocore/1.43.11";

    @TempDir
    Path directory;

    @Test
    void aConfiguredWorkingCliV2IsUsed()
            throws IOException
    {
        Path v2 = script("v2/aws", "echo '" + V2 + "'");
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, v2.toString()), List.of()))
                .isEqualTo(new AwsCli.Lookup.Found(v2, V2));
    }

    @Test
    void aConfiguredNameIsLookedUpOnThePath()
            throws IOException
    {
        Path v2 = script("bin/aws2", "echo '" + V2 + "'");
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, "aws2", "PATH", directory.resolve("empty") + ":" + v2.getParent()), List.of()))
                .isEqualTo(new AwsCli.Lookup.Found(v2, V2));
    }

    @Test
    void aConfiguredCliThatIsMissingFailsEvenWhereAnotherIsInstalled()
            throws IOException
    {
        Path installed = script("usr/bin/aws", "echo '" + V2 + "'");
        Path missing = directory.resolve("nowhere/aws");
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, missing.toString(), "PATH", installed.getParent().toString()), List.of(installed)))
                .isEqualTo(new AwsCli.Lookup.Broken("LAKESTACK_AWS_CLI=" + missing + ": there is no such file"));
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, "no-such-aws", "PATH", installed.getParent().toString()), List.of(installed)))
                .isEqualTo(new AwsCli.Lookup.Broken("LAKESTACK_AWS_CLI=no-such-aws: there is no such file (nor on the PATH)"));
    }

    @Test
    void aConfiguredCliThatIsNotVersion2Fails()
            throws IOException
    {
        Path v1 = script("v1/aws", "echo '" + V1 + "'");
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, v1.toString()), List.of()))
                .isEqualTo(new AwsCli.Lookup.Broken("LAKESTACK_AWS_CLI=" + v1 + ": " + v1 + " is not the AWS CLI v2: --version printed '" + V1 + "'"));
    }

    @Test
    void aConfiguredCliWhoseVersionCommandFailsFails()
            throws IOException
    {
        Path broken = script("broken/aws", "echo 'ModuleNotFoundError: No module named awscli' >&2; exit 3");
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, broken.toString()), List.of()))
                .isEqualTo(new AwsCli.Lookup.Broken("LAKESTACK_AWS_CLI=" + broken + ": " + broken
                        + " --version exited with 3: ModuleNotFoundError: No module named awscli"));
    }

    @Test
    void aConfiguredFileThatCannotBeRunFails()
            throws IOException
    {
        Path plain = Files.writeString(directory.resolve("aws"), "not a program");
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, plain.toString()), List.of()))
                .isEqualTo(new AwsCli.Lookup.Broken("LAKESTACK_AWS_CLI=" + plain + ": the file is not executable"));
        assertThat(AwsCli.lookup(Map.of(AwsCli.EXECUTABLE_VARIABLE, ""), List.of()))
                .isEqualTo(new AwsCli.Lookup.Broken("LAKESTACK_AWS_CLI is set but empty; unset it to skip the AWS CLI tests where there is no CLI"));
    }

    @Test
    void unconfiguredTheFirstCliV2IsUsedWellKnownPlacesFirst()
            throws IOException
    {
        Path v1 = script("pyenv/aws", "echo '" + V1 + "'");
        Path v2 = script("usr/local/bin/aws", "echo '" + V2 + "'");
        Path debian = script("usr/bin/aws", "echo '" + V2 + " debian'");
        assertThat(AwsCli.lookup(Map.of("PATH", v1.getParent() + ":" + v2.getParent()), List.of(directory.resolve("missing/aws"))))
                .isEqualTo(new AwsCli.Lookup.Found(v2, V2));
        assertThat(AwsCli.lookup(Map.of("PATH", v1.getParent() + ":" + v2.getParent()), List.of(debian)))
                .isEqualTo(new AwsCli.Lookup.Found(debian, V2 + " debian"));
    }

    @Test
    void unconfiguredWithoutACliV2TheTestsSkip()
            throws IOException
    {
        Path v1 = script("pyenv/aws", "echo '" + V1 + "'");
        Path broken = script("broken/aws", "exit 1");
        assertThat(AwsCli.lookup(Map.of("PATH", v1.getParent() + ":" + broken.getParent()), List.of(directory.resolve("usr/bin/aws"))))
                .isEqualTo(new AwsCli.Lookup.Absent("no AWS CLI v2 is installed (Debian: apt install awscli; .ci/run installs it and sets LAKESTACK_AWS_CLI); "
                        + "rejected: " + v1 + " is not the AWS CLI v2: --version printed '" + V1 + "'; " + broken + " --version exited with 1: "));
        assertThat(AwsCli.lookup(Map.of(), List.of(directory.resolve("usr/bin/aws"))))
                .isEqualTo(new AwsCli.Lookup.Absent("no AWS CLI v2 is installed (Debian: apt install awscli; .ci/run installs it and sets LAKESTACK_AWS_CLI)"));
    }

    private Path script(String name, String body)
            throws IOException
    {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
