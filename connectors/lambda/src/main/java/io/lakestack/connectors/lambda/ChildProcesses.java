package io.lakestack.connectors.lambda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** What the runners of child processes (Lambda's execution environments, Glue's job runs) ask of a process. */
public final class ChildProcesses
{
    private ChildProcesses() {}

    /**
     * The process's peak resident size so far, in KiB ({@code VmHWM} of {@code /proc/<pid>/status}): the kernel keeps
     * the peak, so a burst between two samples is still seen. Empty where /proc does not tell (not Linux, or the
     * process has just ended).
     */
    public static OptionalLong peakResidentKb(Process process)
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim()));
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            // not Linux, or the process just ended
        }
        return OptionalLong.empty();
    }

    /** Kills the process and every process it started. */
    public static void killTree(Process process)
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
