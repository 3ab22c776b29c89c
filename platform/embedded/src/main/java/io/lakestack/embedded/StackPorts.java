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

    /** Free ports for every listener, for tests that run beside other stacks. */
    public static StackPorts free()
    {
        return new StackPorts(Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free());
    }
}
