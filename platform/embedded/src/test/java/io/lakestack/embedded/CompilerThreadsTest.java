package io.lakestack.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JIT compiler threads of the stack's process and of Trino's, at a lower priority than their other threads. */
class CompilerThreadsTest
{
    @Test
    void theNiceValueIsFiveUnlessTheEnvironmentSaysFromZeroToNineteen()
    {
        assertThat(CompilerThreads.nice(Map.of())).isEqualTo(5);
        assertThat(CompilerThreads.nice(Map.of(CompilerThreads.NICE_VARIABLE, " "))).isEqualTo(5);
        assertThat(CompilerThreads.nice(Map.of(CompilerThreads.NICE_VARIABLE, "0"))).isEqualTo(0);
        assertThat(CompilerThreads.nice(Map.of(CompilerThreads.NICE_VARIABLE, "19"))).isEqualTo(19);
        for (String value : List.of("20", "-1", "five")) {
            assertThatThrownBy(() -> CompilerThreads.nice(Map.of(CompilerThreads.NICE_VARIABLE, value)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("LAKESTACK_COMPILER_NICE must be a nice value from 0 to 19 (0 leaves the JIT compiler threads' priority as it is), not '"
                            + value + "'");
        }
    }

    @Test
    void theCompilerThreadsAreFoundByTheirNamesAndRenicedOneByOne(@TempDir Path tasks)
            throws IOException
    {
        write(tasks, "101", "main\n");
        write(tasks, "102", "C2 CompilerThre\n");
        write(tasks, "103", "C1 CompilerThre\n");
        write(tasks, "104", "C2 CompilerThreX\n");
        // a thread that ended while the directory was read
        Files.createDirectory(tasks.resolve("105"));

        assertThat(CompilerThreads.ids(tasks)).containsExactly("102", "103");
        assertThat(CompilerThreads.ids(tasks, List.of(CompilerThreads.C2))).containsExactly("102");
        assertThat(CompilerThreads.command(5, List.of("102", "103"))).containsExactly("renice", "-n", "5", "-p", "102", "103");
        assertThat(CompilerThreads.command(0, List.of("102", "103"))).isEmpty();
        assertThat(CompilerThreads.command(5, List.of())).isEmpty();
        assertThat(CompilerThreads.ids(tasks.resolve("absent"))).isEmpty();
    }

    @Test
    void aJvmsCompilerThreadsGetTheNiceValueAndItsOtherThreadsKeepTheirs(@TempDir Path directory)
            throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        Process sleeper = sleeper(directory);
        try (BufferedReader output = new BufferedReader(new InputStreamReader(sleeper.getInputStream(), StandardCharsets.UTF_8))) {
            // once it sleeps, its source is compiled and its threads stay as they are
            assertThat(output.readLine()).isEqualTo("sleeping");
            Path tasks = Path.of("/proc", String.valueOf(sleeper.pid()), "task");
            assertThat(CompilerThreads.ids(tasks)).hasSize(2);
            Map<String, Integer> before = niceValues(tasks);

            CompilerThreads.lowerPriority(Map.of(CompilerThreads.NICE_VARIABLE, "7"), tasks);

            Map<String, Integer> after = niceValues(tasks);
            for (String id : CompilerThreads.ids(tasks)) {
                assertThat(after.get(id)).as("compiler thread %s", id).isEqualTo(7);
                after.remove(id);
                before.remove(id);
            }
            // every other thread as it was
            assertThat(after).isEqualTo(before);
        }
        finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void onlyTheOptimizingCompilerOfAJvmJustStartedIsReniced(@TempDir Path directory)
            throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        Process sleeper = sleeper(directory);
        try (BufferedReader output = new BufferedReader(new InputStreamReader(sleeper.getInputStream(), StandardCharsets.UTF_8))) {
            // at once, as Trino's is: the JVM may not have made its compiler threads yet, which this waits for
            CompilerThreads.lowerOptimizingCompiler(sleeper.pid(), 9, Duration.ofSeconds(30));

            assertThat(output.readLine()).isEqualTo("sleeping");
            Path tasks = Path.of("/proc", String.valueOf(sleeper.pid()), "task");
            List<String> optimizing = CompilerThreads.ids(tasks, List.of(CompilerThreads.C2));
            assertThat(optimizing).hasSize(1);
            Map<String, Integer> nice = niceValues(tasks);
            assertThat(nice.remove(optimizing.get(0))).isEqualTo(9);
            // the C1 compiler and every other thread keep the priority of the test's process
            int ours = niceValues(Path.of("/proc/self/task")).get(String.valueOf(ProcessHandle.current().pid()));
            assertThat(Set.copyOf(nice.values())).containsExactly(ours);
        }
        finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aJvmWithoutAnOptimizingCompilerIsLeftAsItIs(@TempDir Path directory)
            throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        // as the object store and the metastore run: C1 only
        Process sleeper = sleeper(directory, "-XX:TieredStopAtLevel=1");
        try (BufferedReader output = new BufferedReader(new InputStreamReader(sleeper.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(output.readLine()).isEqualTo("sleeping");
            Path tasks = Path.of("/proc", String.valueOf(sleeper.pid()), "task");
            // both compiler threads are C1's
            assertThat(CompilerThreads.ids(tasks, List.of(CompilerThreads.C1))).hasSize(2);
            assertThat(CompilerThreads.ids(tasks, List.of(CompilerThreads.C2))).isEmpty();
            Map<String, Integer> before = niceValues(tasks);

            CompilerThreads.lowerOptimizingCompiler(sleeper.pid(), 9, Duration.ofMillis(200));

            assertThat(niceValues(tasks)).isEqualTo(before);
        }
        finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    /** A JVM that prints "sleeping" and sleeps a minute, with one compiler thread of each kind for its whole life, as on two cores. */
    private static Process sleeper(Path directory, String... options)
            throws IOException
    {
        Path source = directory.resolve("Sleeper.java");
        Files.writeString(source, "public class Sleeper { public static void main(String[] a) throws Exception { "
                + "System.out.println(\"sleeping\"); System.out.flush(); Thread.sleep(60_000); } }");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("-XX:CICompilerCount=2", "-XX:-UseDynamicNumberOfCompilerThreads", source.toString()));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void write(Path tasks, String id, String name)
            throws IOException
    {
        Files.createDirectory(tasks.resolve(id));
        Files.writeString(tasks.resolve(id).resolve("comm"), name);
    }

    /** Each thread's nice value, the 19th field of its {@code stat} (the name before it, in parentheses, may hold spaces). */
    private static Map<String, Integer> niceValues(Path tasks)
            throws IOException
    {
        Map<String, Integer> values = new TreeMap<>();
        try (var each = Files.list(tasks)) {
            for (Path task : each.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields after the name start with the 3rd: state; nice is the 19th
                values.put(task.getFileName().toString(), Integer.parseInt(fields[19 - 3]));
            }
        }
        return values;
    }
}
