package io.lakestack.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc}: the socket inodes among its open files
 * ({@code /proc/<pid>/fd}), looked up in {@code /proc/<pid>/net/tcp} and {@code tcp6}.
 */
final class ListeningSockets
{
    private static final String LISTEN = "0A";

    private ListeningSockets()
    {
    }

    /** One listening socket; an IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}) is given as its IPv4 address. */
    record Socket(InetAddress address, int port)
    {
        static Socket of(String address, int port)
        {
            try {
                return new Socket(InetAddress.getByName(address), port);
            }
            catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public String toString()
        {
            return address.getHostAddress() + ":" + port;
        }
    }

    static List<Socket> of(long pid)
    {
        Path process = Path.of("/proc", String.valueOf(pid));
        Set<String> inodes = new HashSet<>();
        try (var descriptors = Files.list(process.resolve("fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                }
                catch (NoSuchFileException closedMeanwhile) {
                    // a descriptor closed while the list was read
                }
            }
            List<Socket> sockets = new ArrayList<>();
            for (String table : List.of("tcp", "tcp6")) {
                List<String> lines = Files.readAllLines(process.resolve("net").resolve(table));
                for (String line : lines.subList(1, lines.size())) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                    String[] fields = line.trim().split("\\s+");
                    if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                        String[] local = fields[1].split(":");
                        sockets.add(new Socket(address(local[0]), Integer.parseInt(local[1], 16)));
                    }
                }
            }
            return sockets;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read the sockets of process " + pid, e);
        }
    }

    /** An address as /proc writes it: the hex of each 32-bit word in the machine's (little-endian) byte order. */
    private static InetAddress address(String hex)
    {
        byte[] bytes = HexFormat.of().parseHex(hex);
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                byte swap = bytes[word + i];
                bytes[word + i] = bytes[word + 3 - i];
                bytes[word + 3 - i] = swap;
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        }
        catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + hex, e);
        }
    }
}
