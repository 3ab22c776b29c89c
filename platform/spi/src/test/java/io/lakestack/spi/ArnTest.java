package io.lakestack.spi;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ArnTest
{
    @Test
    void readsEveryPart()
    {
        assertThat(Arn.parse("arn:aws:sqs:us-west-2:000000000000:orders.fifo"))
                .contains(new Arn("aws", "sqs", "us-west-2", "000000000000", "orders.fifo"));
        assertThat(Arn.parse("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:load:live"))
                .contains(new Arn("aws-us-gov", "lambda", "us-gov-west-1", "123456789012", "function:load:live"));
        assertThat(Arn.parse("arn:aws:events:eu-central-1:000000000000:rule/orders/on-paid"))
                .contains(new Arn("aws", "events", "eu-central-1", "000000000000", "rule/orders/on-paid"));
        assertThat(Arn.parse("arn:aws:s3:::my-bucket")).contains(new Arn("aws", "s3", "", "", "my-bucket"));
        assertThat(Arn.parse("arn:aws:logs:us-west-2:000000000000:log-group:/aws/lambda/f:*"))
                .contains(new Arn("aws", "logs", "us-west-2", "000000000000", "log-group:/aws/lambda/f:*"));
    }

    @Test
    void refusesWhatIsNoArn()
    {
        assertThat(Arn.parse("orders")).isEmpty();
        assertThat(Arn.parse("arn:aws:sqs:us-east-1:000000000000")).isEmpty();
        assertThat(Arn.parse("arn:aws:sqs:us-east-1:000000000000:")).isEmpty();
        assertThat(Arn.parse("arn:aws:sqs:us-east-1:0000:orders")).isEmpty();
        assertThat(Arn.parse("arn:gcp:sqs:us-east-1:000000000000:orders")).isEmpty();
        assertThat(Arn.parse("arn:aws:sqs:US-EAST-1:000000000000:orders")).isEmpty();
        assertThat(Arn.parse("urn:aws:sqs:us-east-1:000000000000:orders")).isEmpty();
    }

    @Test
    void filtersByService()
    {
        assertThat(Arn.parse("arn:aws:sqs:us-west-2:000000000000:orders", "sqs")).map(Arn::resource).isEqualTo(Optional.of("orders"));
        assertThat(Arn.parse("arn:aws:sns:us-west-2:000000000000:orders", "sqs")).isEmpty();
    }

    @Test
    void checksRegionAndAccount()
    {
        Arn arn = Arn.of("sns", "us-west-2", "000000000000", "done");
        assertThat(arn.isIn("us-west-2", "000000000000")).isTrue();
        assertThat(arn.isIn("us-east-1", "000000000000")).isFalse();
        assertThat(arn.isIn("us-west-2", "123456789012")).isFalse();
    }

    @Test
    void writesWhatItReads()
    {
        assertThat(Arn.of("sns", "us-west-2", "000000000000", "done")).hasToString("arn:aws:sns:us-west-2:000000000000:done");
        for (String text : new String[] {"arn:aws:s3:::b", "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:$LATEST",
                "arn:aws:scheduler:us-west-2:000000000000:schedule/default/nightly"}) {
            assertThat(Arn.parse(text).orElseThrow()).hasToString(text);
        }
    }
}
