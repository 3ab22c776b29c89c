package io.lakestack.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks and allocation for the stack's listeners. */
public final class Ports
{
    private Ports() {}

    /** A port that was free a moment ago on the loopback interface. */
    public static int free()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new IllegalStateException("no free port on the loopback interface", e);
        }
    }

    /** Whether nothing listens on the port of the loopback interface. */
    static boolean isFree(int port)
    {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * @throws StackException naming the component and the port when something else listens there
     */
    public static void requireFree(String component, String host, int port, String option)
    {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        }
        catch (IOException e) {
            throw new StackException(component, "port " + port + " on " + host + " is already in use by another process; stop that process or "
                    + "choose another port with " + option);
        }
    }
}
