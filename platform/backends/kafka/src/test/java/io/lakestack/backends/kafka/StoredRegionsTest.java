package io.lakestack.backends.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.sqs.Queue;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Records stored before resources kept their region read back without one, which the services take as the configured region. */
class StoredRegionsTest
{
    private static final ObjectMapper JSON = KafkaRecordStores.mapper();

    @Test
    void aQueueStoredWithoutItsRegionReadsAsNone()
            throws Exception
    {
        Queue queue = new Queue("orders", Optional.of("us-west-2"), 1, 2, 30, 345_600, 0, 262_144, 0, Optional.empty(), false, false, Map.of(), Map.of());
        ObjectNode stored = JSON.valueToTree(queue);
        assertThat(JSON.treeToValue(stored, Queue.class)).isEqualTo(queue);

        stored.remove("region");
        Queue older = JSON.treeToValue(stored, Queue.class);
        assertThat(older.region()).isEmpty();
        assertThat(older.name()).isEqualTo("orders");
    }

    @Test
    void aLogGroupStoredWithoutItsRegionReadsAsNone()
            throws Exception
    {
        KafkaLogStore.StoredGroup group = new KafkaLogStore.StoredGroup("/app", Optional.of("eu-central-1"), 1, Optional.of(7), Map.of(), "lakestack.logs._2fapp", 5);
        ObjectNode stored = JSON.valueToTree(group);
        assertThat(JSON.treeToValue(stored, KafkaLogStore.StoredGroup.class)).isEqualTo(group);

        stored.remove("region");
        assertThat(JSON.treeToValue(stored, KafkaLogStore.StoredGroup.class).region()).isEmpty();
    }
}
