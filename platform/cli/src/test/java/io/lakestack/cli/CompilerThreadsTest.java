package io.lakestack.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The stack process's JIT compiler threads, at a lower priority than its other threads. */
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
        Path source = directory.resolve("Sleeper.java");
        Files.writeString(source, "public class Sleeper { public static void main(String[] a) throws Exception { "
                + "System.out.println(\"sleeping\"); System.out.flush(); Thread.sleep(60_000); } }");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // one compiler thread of each kind for the JVM's whole life, as on two cores, whatever this machine has
        Process sleeper = new ProcessBuilder(java.toString(), "-XX:CICompilerCount=2", "-XX:-UseDynamicNumberOfCompilerThreads", source.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
