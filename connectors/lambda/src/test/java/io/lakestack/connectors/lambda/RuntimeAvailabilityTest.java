package io.lakestack.connectors.lambda;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which runtimes can run, told apart on a machine made of stand-in interpreters and JDKs (shell scripts), and what is said when one cannot. */
class RuntimeAvailabilityTest
{
    @TempDir
    Path directory;

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private Path python310;
    private Path python312;
    private Path jdk17;
    private ProcessFunctionRunner runner;

    @BeforeEach
    void machine()
            throws Exception
    {
        python310 = script("python3.10-stand-in", "printf '3.10.14\\nvenv\\n'");
        python312 = script("python3.12-stand-in", "printf '3.12.3\\nno-venv\\n'");
        jdk17 = jdk("jdk-17", "17.0.9");
        runner = new ProcessFunctionRunner(ProcessFunctionRunnerConfig.fromMap(Map.of(
                ProcessFunctionRunnerConfig.PYTHON_EXECUTABLES, python310 + "," + python312,
                ProcessFunctionRunnerConfig.JAVA_HOMES, jdk17.toString(),
                ProcessFunctionRunnerConfig.CACHE_DIR, directory.resolve("cache").toString())), objects, new InMemoryLogStore());
    }

    @AfterEach
    void stop()
    {
        runner.close();
    }

    @Test
    void runtimesAreLambdasNames()
    {
        assertThat(runner.runtimes()).containsExactly("java17", "java21", "java25", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13");
    }

    @Test
    void eachMissingPieceIsNamedWithWhatToInstall()
    {
        assertThat(runner.unavailable("python3.10")).isEmpty();
        assertThat(runner.unavailable("java17")).isEmpty();
        assertThat(runner.unavailable("python3.11")).contains("python3.11 needs a Python 3.11 interpreter, and none was found (looked at the interpreters "
                + "configured in lambda.python-executables ([" + python310 + ", " + python312 + "])): install Python 3.11 (for example apt-get install "
                + "python3.11 python3.11-venv, or pyenv install 3.11) or name the interpreter in lambda.python-executables");
        assertThat(runner.unavailable("python3.12")).contains("python3.12 runs on " + python312 + ", which cannot create virtual environments (boto3 is "
                + "installed into one): install its venv and ensurepip modules (for example apt-get install python3.12-venv)");
        assertThat(runner.unavailable("java21")).contains("java21 needs a JDK 21 or newer, and none was found in the JDKs configured in lambda.java-homes (["
                + jdk17 + "]): install one (for example apt-get install openjdk-21-jdk-headless, or a Temurin 21 JDK under /usr/lib/jvm) or name its "
                + "directory in lambda.java-homes");
        assertThat(runner.unavailable("nodejs20.x")).contains("lakestack does not run the runtime nodejs20.x; it runs java17, java21, java25, python3.9, "
                + "python3.10, python3.11, python3.12, python3.13");
    }

    @Test
    void invokingARuntimeThatCannotRunIsInvalidRuntimeException()
    {
        for (String runtime : new String[] {"java21", "python3.12", "python3.11", "nodejs20.x"}) {
            FunctionVersion function = DeploymentPackages.function(objects, "f-" + runtime.replace(".", "-"), runtime, "app.handler",
                    DeploymentPackages.python("orders"), 128, 3, Map.of());

            ServiceException error = catchThrowableOfType(ServiceException.class, () -> runner.invoke(function, new FunctionRunner.Request("r-1",
                    function.arn(), "{}".getBytes(StandardCharsets.UTF_8), Optional.empty(), false, 10)));

            assertThat(error.errorCode()).isEqualTo("InvalidRuntimeException");
            assertThat(error.httpStatus()).isEqualTo(502);
            assertThat(error.getMessage()).isEqualTo(runner.unavailable(runtime).orElseThrow());
        }
    }

    @Test
    void aJavaRuntimeRunsOnTheClosestJdkOfAtLeastItsVersion()
            throws Exception
    {
        Path jdk21 = jdk("jdk-21", "21.0.4");
        Path jdk25 = jdk("jdk-25", "25");
        JavaHomes homes = new JavaHomes(java.util.List.of(jdk25, jdk17, jdk21));

        assertThat(homes.atLeast(17).map(JavaHomes.Jdk::home)).contains(jdk17.toRealPath());
        assertThat(homes.atLeast(18).map(JavaHomes.Jdk::home)).contains(jdk21.toRealPath());
        assertThat(homes.atLeast(22).map(JavaHomes.Jdk::home)).contains(jdk25.toRealPath());
        assertThat(homes.atLeast(26)).isEmpty();
        assertThat(JavaHomes.feature("1.8.0_392")).isEqualTo(8);
        assertThat(JavaHomes.feature("17.0.15")).isEqualTo(17);
        assertThat(JavaHomes.feature("25")).isEqualTo(25);
        assertThat(JavaHomes.feature("26-ea")).isEqualTo(26);
    }

    private Path script(String name, String body)
            throws Exception
    {
        Path script = directory.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Path jdk(String name, String version)
            throws Exception
    {
        Path home = directory.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"stand-in\"\nJAVA_VERSION=\"" + version + "\"\n");
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(home.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }
}
