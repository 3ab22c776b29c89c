package io.lakestack.endpoint;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The protocol a request is answered in follows from the request: a form for a JSON 1.0 service that also speaks Query is answered in Query. */
class RequestRouterTest
{
    /** A service of the JSON 1.0 protocol that also answers Query forms, as SQS does. */
    private static final class BothProtocols
            implements ServiceHandler
    {
        @Override
        public String signingName()
        {
            return "sqs";
        }

        @Override
        public AwsProtocol protocol()
        {
            return AwsProtocol.JSON_1_0;
        }

        @Override
        public Set<String> targetPrefixes()
        {
            return Set.of("AmazonSQS");
        }

        @Override
        public OptionalLong maxRequestBytes()
        {
            return OptionalLong.of(1024);
        }

        @Override
        public void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
        {
        }
    }

    private static final String SIGNED_FOR_SQS = "AWS4-HMAC-SHA256 Credential=test/20261129/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=0000000000000000000000000000000000000000000000000000000000000000";

    private static AwsRequest request(Map<String, List<String>> headers)
    {
        return new AwsRequest("POST", "/000000000000/orders", "", headers, new ByteArrayInputStream(new byte[0]), "127.0.0.1");
    }

    @Test
    void formSignedForAJsonServiceIsAnsweredInQuery()
    {
        RequestRouter router = new RequestRouter(List.of(new BothProtocols()));
        RequestRouter.Route route = router.route(request(Map.of("Authorization", List.of(SIGNED_FOR_SQS), "Content-Type",
                List.of("application/x-www-form-urlencoded; charset=utf-8"))));

        assertThat(route.protocol()).isEqualTo(AwsProtocol.QUERY);
        assertThat(route.service()).isEqualTo("sqs");
        assertThat(route.handler()).isPresent();
    }

    @Test
    void twoHandlersForOneServiceAreRefusedAtOnceOrOneAfterTheOther()
    {
        assertThatThrownBy(() -> new RequestRouter(List.of(new BothProtocols(), new BothProtocols())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("two handlers for service sqs");
        RequestRouter router = new RequestRouter(List.of(new BothProtocols()));
        assertThatThrownBy(() -> router.add(List.of(new BothProtocols())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("two handlers for service sqs");
    }

    @Test
    void targetIsAnsweredInItsJsonProtocol()
    {
        RequestRouter router = new RequestRouter(List.of(new BothProtocols()));
        RequestRouter.Route route = router.route(request(Map.of("Authorization", List.of(SIGNED_FOR_SQS), "Content-Type",
                List.of("application/x-amz-json-1.0"), "X-Amz-Target", List.of("AmazonSQS.ListQueues"))));

        assertThat(route.protocol()).isEqualTo(AwsProtocol.JSON_1_0);
        assertThat(route.operation()).isEqualTo("ListQueues");
    }

    /** A Query service that answers its own links unsigned, as SNS answers a SubscribeURL. */
    private static final class AnswersLinks
            implements ServiceHandler
    {
        @Override
        public String signingName()
        {
            return "sns";
        }

        @Override
        public AwsProtocol protocol()
        {
            return AwsProtocol.QUERY;
        }

        @Override
        public boolean authenticatesItself(AwsRequest request)
        {
            return request.method().equals("GET") && request.queryParameter("Action").filter("ConfirmSubscription"::equals).isPresent();
        }

        @Override
        public OptionalLong maxRequestBytes()
        {
            return OptionalLong.of(1024);
        }

        @Override
        public void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
        {
        }
    }

    @Test
    void unsignedLinkGoesToTheServiceThatAnswersIt()
    {
        RequestRouter router = new RequestRouter(List.of(new BothProtocols(), new AnswersLinks()));
        RequestRouter.Route link = router.route(new AwsRequest("GET", "/", "Action=ConfirmSubscription&TopicArn=arn&Token=t", Map.of(),
                new ByteArrayInputStream(new byte[0]), "127.0.0.1"));
        assertThat(link.service()).isEqualTo("sns");
        assertThat(link.protocol()).isEqualTo(AwsProtocol.QUERY);
        assertThat(link.handler()).isPresent();

        RequestRouter.Route other = router.route(new AwsRequest("GET", "/", "Action=Publish&TopicArn=arn", Map.of(),
                new ByteArrayInputStream(new byte[0]), "127.0.0.1"));
        assertThat(other.handler()).isEmpty();
        assertThat(other.service()).isEqualTo("(an unsigned Query protocol request names no service)");
    }
}
