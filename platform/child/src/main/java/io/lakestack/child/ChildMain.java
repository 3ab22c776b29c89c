package io.lakestack.child;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Runs an engine's {@code main} inside a child JVM whose standard input is a pipe from the launcher.
 *
 * <p>When the launcher goes away, however it goes (Ctrl-C, {@code lakestack down}, {@code kill -9}, a crash),
 * the kernel closes its end of the pipe and this JVM reads end-of-file. It then exits through its shutdown
 * hooks, and halts if they do not finish within {@value #SHUTDOWN_GRACE_MILLIS} ms. No engine outlives the
 * launcher that started it, and none needs a pid file to be found again.
 *
 * <p>Usage: {@code java -cp lakestack-child.jar:<engine classpath> io.lakestack.child.ChildMain <main class> [args]}
 */
public final class ChildMain
{
    static final long SHUTDOWN_GRACE_MILLIS = 20_000;

    private ChildMain() {}

    public static void main(String[] args)
            throws Throwable
    {
        if (args.length == 0) {
            System.err.println("usage: ChildMain <main class> [arguments]");
            System.exit(2);
        }
        watchParent(System.in);

        Class<?> mainClass = Class.forName(args[0], true, Thread.currentThread().getContextClassLoader());
        MethodHandle main = MethodHandles.publicLookup()
                .findStatic(mainClass, "main", MethodType.methodType(void.class, String[].class));
        main.invoke((Object) Arrays.copyOfRange(args, 1, args.length));
    }

    static void watchParent(InputStream parentPipe)
    {
        Thread watcher = new Thread(() -> {
            byte[] buffer = new byte[256];
            try {
                while (parentPipe.read(buffer) >= 0) {
                    // the launcher never writes; anything read is ignored
                }
            }
            catch (IOException ignored) {
                // a broken pipe means the same as end-of-file
            }
            System.err.println("lakestack child: launcher is gone, stopping " + ProcessHandle.current().pid());
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(SHUTDOWN_GRACE_MILLIS);
                }
                catch (InterruptedException ignored) {
                    return;
                }
                Runtime.getRuntime().halt(1);
            }, "lakestack-child-halter");
            halter.setDaemon(true);
            halter.start();
            System.exit(0);
        }, "lakestack-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
