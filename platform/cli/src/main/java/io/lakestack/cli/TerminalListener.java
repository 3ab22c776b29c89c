package io.lakestack.cli;

import io.lakestack.embedded.StackListener;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/** Shows a starting stack on the terminal: one line per component change, a progress bar for long steps. */
final class TerminalListener
        implements StackListener
{
    private final PrintStream out;
    private ProgressBar bar;

    TerminalListener(PrintStream out)
    {
        this.out = out;
    }

    @Override
    public synchronized void componentChanged(ComponentStatus status)
    {
        switch (status.state()) {
            case STARTING -> out.printf("  .. %-13s starting   %s%n", status.name(), status.address());
            case READY -> out.printf("  ok %-13s ready      %-32s %s%n", status.name(), status.address(),
                    status.startMillis().map(millis -> String.format(Locale.ROOT, "%.1f s", millis / 1000.0)).orElse(""));
            case FAILED -> out.printf("  !! %-13s FAILED     %s%n", status.name(), status.detail());
            case STOPPED -> out.printf("     %-13s stopped%n", status.name());
        }
        if (status.state() == ComponentState.FAILED) {
            out.flush();
        }
    }

    @Override
    public synchronized void progress(String step, long done, long total, String unit)
    {
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName("  " + step)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" MB", 1024 * 1024)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
                    .showSpeed()
                    .build();
        }
        bar.stepTo(done);
    }

    @Override
    public synchronized void stepDone(String step)
    {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
