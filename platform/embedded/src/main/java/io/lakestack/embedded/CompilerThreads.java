package io.lakestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JIT compiler threads of a stack's processes, run at a lower priority than the threads that do the work.
 *
 * <p>The stack's own process ({@link #lowerPriority(Map)}) has its compiler threads at {@code nice} 5. On two cores a
 * stack's start is bound by CPU, and in its first seconds the stack's compiler threads took more of it than the object
 * store and Kafka together: C1 and C2 had used 4.1 of the 7.3 CPU-seconds of the stack's process when the first S3
 * call was answered, compiling at once what the start-up cache's method profiles say was hot when it was recorded. At
 * a lower priority they compile while the start-up waits, and take the CPU as soon as nothing else wants it. Linux
 * weighs a thread of nice 5 at a third of one of nice 0 (335 to 1,024), so a stack under load still compiles its hot
 * code, later. {@value #NICE_VARIABLE} sets the value, 0 to 19; 0 leaves the threads as the JVM made them.
 *
 * <p>Trino's optimising compiler ({@link #lowerOptimizingCompiler}) runs at {@code nice} {@value #TRINO_OPTIMIZER_NICE},
 * below the rest of Trino's process (10): in Trino's start-up C2 used 3.7 of its 7.8 CPU-seconds, and after the core
 * was ready it competed with Trino's own start for the core the stack's compilers left.
 *
 * <p>Linux only (threads are found in {@code /proc/<pid>/task} by their names, reniced one by one with
 * {@code renice}); elsewhere nothing changes. Raising a thread's nice value needs no privilege; the JVM never lowers
 * it again, and neither does lakestack. A compiler thread the JVM adds later (on a machine with more cores; on two it
 * has one of each from its start) is started by a compiler thread and takes its priority.
 */
public final class CompilerThreads
{
    static final String NICE_VARIABLE = "LAKESTACK_COMPILER_NICE";
    static final int DEFAULT_NICE = 5;
    static final int TRINO_OPTIMIZER_NICE = 19;
    /** A thread's name as Linux keeps it: cut at 15 characters ("C2 CompilerThread0" is "C2 CompilerThre"). */
    static final String C1 = "C1 CompilerThre";
    static final String C2 = "C2 CompilerThre";
    private static final Logger log = LoggerFactory.getLogger(CompilerThreads.class);

    private CompilerThreads() {}

    /**
     * The nice value {@value #NICE_VARIABLE} asks for, {@value #DEFAULT_NICE} when it is not set.
     *
     * @throws IllegalArgumentException when it is not a whole number from 0 to 19
     */
    static int nice(Map<String, String> environment)
    {
        String value = environment.get(NICE_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_NICE;
        }
        int nice;
        try {
            nice = Integer.parseInt(value.strip());
        }
        catch (NumberFormatException e) {
            nice = -1;
        }
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException(NICE_VARIABLE + " must be a nice value from 0 to 19 (0 leaves the JIT compiler threads' priority as it is), "
                    + "not '" + value + "'");
        }
        return nice;
    }

    /** The ids of the compiler threads among the tasks of a process ({@code /proc/<pid>/task}); none when there is no such directory. */
    static List<String> ids(Path tasks)
    {
        return ids(tasks, List.of(C1, C2));
    }

    /** The ids of the threads with one of these names among the tasks of a process; none when there is no such directory. */
    static List<String> ids(Path tasks, List<String> names)
    {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> each = Files.list(tasks)) {
            for (Path task : each.sorted().toList()) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    if (names.contains(name)) {
                        ids.add(task.getFileName().toString());
                    }
                }
                catch (NoSuchFileException e) {
                    // a thread that ended meanwhile
                }
            }
        }
        catch (NoSuchFileException e) {
            return List.of();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** The command that gives these threads the nice value; none when there is nothing to change. */
    static List<String> command(int nice, List<String> ids)
    {
        if (nice == 0 || ids.isEmpty()) {
            return List.of();
        }
        List<String> command = new ArrayList<>(List.of("renice", "-n", String.valueOf(nice), "-p"));
        command.addAll(ids);
        return command;
    }

    /**
     * Lowers the priority of this process's compiler threads as {@value #NICE_VARIABLE} says. A system without
     * {@code /proc} or {@code renice} keeps them as they are: the stack starts the same, a little later.
     *
     * @throws IllegalArgumentException when {@value #NICE_VARIABLE} is not a nice value
     */
    public static void lowerPriority(Map<String, String> environment)
    {
        lowerPriority(environment, Path.of("/proc/self/task"));
    }

    /** As {@link #lowerPriority(Map)}, for the process whose tasks ({@code /proc/<pid>/task}) these are. */
    static void lowerPriority(Map<String, String> environment, Path tasks)
    {
        renice(command(nice(environment), ids(tasks)));
    }

    /**
     * Gives the optimising (C2) compiler thread of a JVM just started the nice value, once the JVM has made it (in its
     * first tenths of a second). A JVM that makes none within {@code wait} (one that only runs C1, or that ended) is
     * left as it is; so is every JVM where {@code /proc} is not.
     */
    static void lowerOptimizingCompiler(long pid, int nice, Duration wait)
    {
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> ids = ids(tasks, List.of(C2));
            if (!ids.isEmpty()) {
                renice(command(nice, ids));
                return;
            }
            if (!Files.isDirectory(tasks) || System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void renice(List<String> command)
    {
        if (command.isEmpty()) {
            return;
        }
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int exit = renice.waitFor();
            if (exit != 0) {
                log.info("JIT compiler threads kept their priority: '{}' exited with {}", String.join(" ", command), exit);
            }
        }
        catch (IOException e) {
            log.info("JIT compiler threads kept their priority: '{}' could not run: {}", String.join(" ", command), e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
