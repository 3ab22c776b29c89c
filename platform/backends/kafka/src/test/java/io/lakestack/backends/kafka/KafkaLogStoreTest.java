package io.lakestack.backends.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What needs no broker: topic names and event ids. */
class KafkaLogStoreTest
{
    @Test
    void topicNamesKeepLettersDigitsAndDashesAndEscapeTheRest()
    {
        assertThat(KafkaLogStore.topic("/aws/lambda/f")).isEqualTo("lakestack.logs._2faws_2flambda_2ff");
        assertThat(KafkaLogStore.topic("app-1.prod#blue_green")).isEqualTo("lakestack.logs.app-1_2eprod_23blue_5fgreen");
        // '.' and '_' are told apart (Kafka's metric names would mix them up)
        assertThat(KafkaLogStore.topic("a.b")).isNotEqualTo(KafkaLogStore.topic("a_b"));
    }

    @Test
    void aNameTooLongForKafkaIsShortenedWithItsHash()
    {
        String group = "/".repeat(100) + "x".repeat(412);
        String topic = KafkaLogStore.topic(group);

        assertThat(topic).hasSize(249);
        assertThat(topic).startsWith("lakestack.logs." + "_2f".repeat(66) + "_2").contains("_h");
        assertThat(topic).matches("lakestack\\.logs\\.[A-Za-z0-9_-]+_h[0-9a-f]{32}");
        assertThat(KafkaLogStore.topic(group + "y")).isNotEqualTo(topic).hasSize(249);
        // the longest name that needs no hash
        String longest = "x".repeat(234);
        assertThat(KafkaLogStore.topic(longest)).isEqualTo("lakestack.logs." + longest);
        assertThat(KafkaLogStore.topic(longest + "x")).contains("_h");
    }

    @Test
    void eventIdsAre56DigitsOfTheOffset()
    {
        assertThat(KafkaLogStore.eventId(0)).isEqualTo("0".repeat(56));
        assertThat(KafkaLogStore.eventId(1234)).isEqualTo("0".repeat(52) + "1234");
    }
}
