package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaException;
import software.amazon.awssdk.services.athena.model.Tag;
import software.amazon.awssdk.services.athena.model.WorkGroupSummary;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Athena input no SDK sends but a client can: more tags than Athena allows, numbers beyond their type. */
@LakestackTest
@Order(15)
class AthenaInvalidInputIntegrationTest
{
    private final TestStack stack;

    AthenaInvalidInputIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    private static List<Tag> tags(int count, String value)
    {
        return IntStream.range(0, count).mapToObj(i -> Tag.builder().key("k" + i).value(value).build()).toList();
    }

    private static void assertInvalidRequest(Runnable call, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AthenaException.class, e -> assertThat(new JsonRequests.Error(e.statusCode(),
                e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage())).isEqualTo(new JsonRequests.Error(400, "InvalidRequestException", message)));
    }

    @Test
    void workGroupTagsBeyondAthenasLimitsAreInvalidRequest()
    {
        try (AthenaClient athena = stack.athena()) {
            assertInvalidRequest(() -> athena.createWorkGroup(request -> request.name("it-tagged").tags(tags(10_001, "v"))),
                    "1 validation error detected: Value '(10001 tags)' at 'Tags' failed to satisfy constraint: Member must have length less than or "
                            + "equal to 50");
            assertInvalidRequest(() -> athena.createWorkGroup(request -> request.name("it-tagged").tags(tags(1, "v".repeat(257)))),
                    "1 validation error detected: Value '" + "v".repeat(257) + "' at 'Tags.1.Value' failed to satisfy constraint: Member must have "
                            + "length less than or equal to 256");
            assertThat(athena.listWorkGroups(request -> {}).workGroups()).extracting(WorkGroupSummary::name).doesNotContain("it-tagged");
        }
    }

    @Test
    void maxResultsBeyondItsTypeIsInvalidRequest()
    {
        assertThat(JsonRequests.error(stack, "athena", "AmazonAthena.ListWorkGroups", "{\"MaxResults\":18446744073709551617}"))
                .isEqualTo(new JsonRequests.Error(400, "InvalidRequestException", "1 validation error detected: Value '18446744073709551617' at "
                        + "'MaxResults' failed to satisfy constraint: Member must have value less than or equal to 50"));
    }
}
