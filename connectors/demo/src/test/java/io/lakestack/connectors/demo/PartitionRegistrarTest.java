package io.lakestack.connectors.demo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionRegistrarTest
{
    private static final PartitionRegistrar.Settings SETTINGS = new PartitionRegistrar.Settings("demo", "orders", "lakestack-demo", "orders/", List.of("dt"));

    /** A hand-written catalog that remembers partitions, as the metastore does. */
    private static final class RecordingCatalog
            implements PartitionCatalog
    {
        final List<TablePartition> added = new ArrayList<>();
        final Set<List<String>> existing = new HashSet<>();

        @Override
        public boolean addPartition(TablePartition partition)
        {
            if (!existing.add(partition.values())) {
                return false;
            }
            added.add(partition);
            return true;
        }
    }

    private final RecordingCatalog catalog = new RecordingCatalog();
    private final PartitionRegistrar registrar = new PartitionRegistrar(SETTINGS, catalog);

    @Test
    void registersOnePartitionPerDateFolderOnce()
            throws Exception
    {
        List<PartitionRegistrar.Registration> registrations = new ArrayList<>();
        registrations.addAll(registrar.register(event("ObjectCreated:Put", "orders/dt%3D2026-11-20/part-0000.jsonl")));
        registrations.addAll(registrar.register(event("ObjectCreated:Put", "orders/dt%3D2026-11-20/part-0001.jsonl")));
        registrations.addAll(registrar.register(event("ObjectCreated:CompleteMultipartUpload", "orders/dt%3D2026-11-21/part-0000.jsonl")));

        TablePartition first = new TablePartition("demo", "orders", List.of("2026-11-20"), "s3://lakestack-demo/orders/dt=2026-11-20/");
        TablePartition second = new TablePartition("demo", "orders", List.of("2026-11-21"), "s3://lakestack-demo/orders/dt=2026-11-21/");
        assertThat(catalog.added).containsExactly(first, second);
        assertThat(registrations).containsExactly(
                new PartitionRegistrar.Registration(first, "ObjectCreated:Put", "s3://lakestack-demo/orders/dt=2026-11-20/part-0000.jsonl", true),
                new PartitionRegistrar.Registration(first, "ObjectCreated:Put", "s3://lakestack-demo/orders/dt=2026-11-20/part-0001.jsonl", false),
                new PartitionRegistrar.Registration(second, "ObjectCreated:CompleteMultipartUpload",
                        "s3://lakestack-demo/orders/dt=2026-11-21/part-0000.jsonl", true));
    }

    @Test
    void passesOverTestEventsAndRemovals()
            throws Exception
    {
        assertThat(registrar.register(("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-21T10:00:00.000Z\","
                + "\"Bucket\":\"lakestack-demo\",\"RequestId\":\"R\",\"HostId\":\"H\"}").getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(registrar.register(event("ObjectRemoved:Delete", "orders/dt%3D2026-11-20/part-0000.jsonl"))).isEmpty();
        assertThat(catalog.added).isEmpty();
    }

    @Test
    void saysWhyANotificationIsUnusable()
    {
        assertThatThrownBy(() -> registrar.register("not json at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PartitionRegistrar.UnusableEventException.class)
                .hasMessage("unreadable S3 event notification: not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object "
                        + "or token 'null', 'true' or 'false')");
        assertThatThrownBy(() -> registrar.register("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PartitionRegistrar.UnusableEventException.class)
                .hasMessage("unreadable S3 event notification: no Records array");
        assertThatThrownBy(() -> registrar.register(event("ObjectCreated:Put", "orders/readme.jsonl")))
                .isInstanceOf(PartitionRegistrar.UnusableEventException.class)
                .hasMessage("object key orders/readme.jsonl is not under dt=<value>/ folders");
        assertThatThrownBy(() -> registrar.register(event("ObjectCreated:Put", "orders/day%3D2026-11-20/part-0000.jsonl")))
                .isInstanceOf(PartitionRegistrar.UnusableEventException.class)
                .hasMessage("object key orders/day=2026-11-20/part-0000.jsonl: folder 'day=2026-11-20' should be dt=<value>");
        assertThatThrownBy(() -> registrar.register(event("ObjectCreated:Put", "returns/dt%3D2026-11-20/part-0000.jsonl")))
                .isInstanceOf(PartitionRegistrar.UnusableEventException.class)
                .hasMessage("object key returns/dt=2026-11-20/part-0000.jsonl is outside the table prefix orders/");
        assertThat(catalog.added).isEmpty();
    }

    @Test
    void registersNothingOfANotificationWithOneUnusableEvent()
    {
        byte[] twoEvents = ("{\"Records\":[" + record("ObjectCreated:Put", "orders/dt%3D2026-11-20/part-0000.jsonl") + ","
                + record("ObjectCreated:Put", "orders/readme.jsonl") + "]}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> registrar.register(twoEvents))
                .isInstanceOf(PartitionRegistrar.UnusableEventException.class)
                .hasMessage("object key orders/readme.jsonl is not under dt=<value>/ folders");
        assertThat(catalog.added).isEmpty();
    }

    private static byte[] event(String eventName, String encodedKey)
    {
        return ("{\"Records\":[" + record(eventName, encodedKey) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String record(String eventName, String encodedKey)
    {
        return "{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-11-21T10:00:00.000Z\",\"eventName\":\"" + eventName + "\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"order-uploads\",\"bucket\":{\"name\":\"lakestack-demo\","
                + "\"arn\":\"arn:aws:s3:::lakestack-demo\"},\"object\":{\"key\":\"" + encodedKey + "\",\"size\":617,\"sequencer\":\"0A\"}}}";
    }
}
