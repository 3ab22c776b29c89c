package io.lakestack.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JIT compiler threads of a stack's own process, run at a lower priority ({@code nice} 5) than its other threads
 * and the engines' processes. On two cores a stack's start is bound by CPU, and in its first seconds the stack's
 * compiler threads took more of it than the object store and Kafka together: C1 and C2 had used 4.1 of the 7.3
 * CPU-seconds of the stack's process when the first S3 call was answered, compiling at once what the start-up cache's
 * method profiles say was hot when it was recorded. At a lower priority they compile while the start-up waits, and
 * take the CPU as soon as nothing else wants it. Linux weighs a thread of nice 5 at a third of one of nice 0 (335 to 1,024),
 * so a stack under load still compiles its hot code, later.
 *
 * <p>{@value #NICE_VARIABLE} sets the value, 0 to 19; 0 leaves the threads as the JVM made them. Linux only (threads are
 * found in {@code /proc/self/task} by their names, reniced one by one with {@code renice}); elsewhere nothing changes.
 * Raising a thread's nice value needs no privilege; the JVM never lowers it again, and neither does lakestack. The
 * threads there are when the stack starts are reniced: a JVM on a machine with more cores may add compiler threads
 * later, which keep the process's priority (on two cores it has one of each from its start).
 */
final class CompilerThreads
{
    static final String NICE_VARIABLE = "LAKESTACK_COMPILER_NICE";
    static final int DEFAULT_NICE = 5;
    private static final Logger log = LoggerFactory.getLogger(CompilerThreads.class);
    /** A thread's name as Linux keeps it: cut at 15 characters ("C2 CompilerThread0" is "C2 CompilerThre"). */
    private static final List<String> NAMES = List.of("C1 CompilerThre", "C2 CompilerThre");

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
        List<String> ids = new ArrayList<>();
        try (Stream<Path> each = Files.list(tasks)) {
            for (Path task : each.sorted().toList()) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    if (NAMES.contains(name)) {
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
     */
    static void lowerPriority(Map<String, String> environment)
    {
        lowerPriority(environment, Path.of("/proc/self/task"));
    }

    /** As {@link #lowerPriority(Map)}, for the process whose tasks ({@code /proc/<pid>/task}) these are. */
    static void lowerPriority(Map<String, String> environment, Path tasks)
    {
        int nice = nice(environment);
        List<String> command = command(nice, ids(tasks));
        if (command.isEmpty()) {
            return;
        }
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int exit = renice.waitFor();
            if (exit != 0) {
                log.info("the JIT compiler threads kept their priority: '{}' exited with {}", String.join(" ", command), exit);
            }
        }
        catch (IOException e) {
            log.info("the JIT compiler threads kept their priority: '{}' could not run: {}", String.join(" ", command), e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
