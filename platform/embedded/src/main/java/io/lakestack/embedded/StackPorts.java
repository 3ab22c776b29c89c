package io.lakestack.embedded;

/**
 * The ports of the stack. By default they sit next to the endpoint's: with {@code --port 4566}, Kafka listens on
 * 4567, the object store on 4568, the metastore on 4569, Trino on 4570 and the Kafka controller on 4571.
 */
public record StackPorts(int endpoint, int kafka, int objectStore, int metastore, int trino, int kafkaController)
{
    public static StackPorts from(int endpoint)
    {
        if (endpoint < 1 || endpoint > 65530) {
            throw new IllegalArgumentException("the endpoint port must be between 1 and 65530, not " + endpoint);
        }
        return new StackPorts(endpoint, endpoint + 1, endpoint + 2, endpoint + 3, endpoint + 4, endpoint + 5);
    }

    /**
     * Six free consecutive ports, for tests and benchmarks that run beside other stacks. They are taken below Linux's
     * ephemeral range (32768 and up): a port the kernel hands out for outgoing connections could otherwise be taken
     * between this choice and the moment a component binds it.
     */
    public static StackPorts free()
    {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = FREE_LOW + random.nextInt(FREE_HIGH - FREE_LOW - 6);
            boolean free = true;
            for (int port = base; port < base + 6 && free; port++) {
                free = Ports.isFree(port);
            }
            if (free) {
                return from(base);
            }
        }
        throw new IllegalStateException("no six consecutive free ports between " + FREE_LOW + " and " + FREE_HIGH + " on the loopback interface");
    }

    private static final int FREE_LOW = 20000;
    private static final int FREE_HIGH = 32000;
}
