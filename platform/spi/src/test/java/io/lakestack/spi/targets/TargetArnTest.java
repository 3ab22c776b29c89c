package io.lakestack.spi.targets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetArnTest
{
    @Test
    void parsesEveryKind()
    {
        assertThat(TargetArn.parse("arn:aws:lambda:us-east-1:000000000000:function:load:live"))
                .isEqualTo(new TargetArn("arn:aws:lambda:us-east-1:000000000000:function:load:live", TargetArn.Kind.LAMBDA, "aws", "us-east-1",
                        "000000000000", "function:load:live", "load"));
        assertThat(TargetArn.parse("arn:aws:sqs:eu-west-1:123456789012:orders.fifo").name()).isEqualTo("orders.fifo");
        assertThat(TargetArn.parse("arn:aws:sns:us-east-1:000000000000:done").kind()).isEqualTo(TargetArn.Kind.SNS);
        assertThat(TargetArn.parse("arn:aws:kinesis:us-east-1:000000000000:stream/clicks").name()).isEqualTo("clicks");
        assertThat(TargetArn.parse("arn:aws:firehose:us-east-1:000000000000:deliverystream/to-s3").name()).isEqualTo("to-s3");
        assertThat(TargetArn.parse("arn:aws:states:us-east-1:000000000000:stateMachine:etl").kind()).isEqualTo(TargetArn.Kind.STEP_FUNCTIONS);
        assertThat(TargetArn.parse("arn:aws:glue:us-east-1:000000000000:workflow/daily load"))
                .isEqualTo(new TargetArn("arn:aws:glue:us-east-1:000000000000:workflow/daily load", TargetArn.Kind.GLUE_WORKFLOW, "aws", "us-east-1",
                        "000000000000", "workflow/daily load", "daily load"));
    }

    @Test
    void refusesWhatIsNoTarget()
    {
        assertThatThrownBy(() -> TargetArn.parse("orders"))
                .hasMessage("Target ARN orders is not an ARN of the form arn:aws:<service>:<region>:<12-digit account>:<resource>");
        assertThatThrownBy(() -> TargetArn.parse("arn:aws:ecs:us-east-1:000000000000:cluster/c"))
                .hasMessageStartingWith("Target ARN arn:aws:ecs:us-east-1:000000000000:cluster/c names service ecs, which lakestack does not deliver to");
        assertThatThrownBy(() -> TargetArn.parse("arn:aws:kinesis:us-east-1:000000000000:clicks"))
                .hasMessage("Target ARN arn:aws:kinesis:us-east-1:000000000000:clicks does not name a stream (stream/<name>)");
        assertThatThrownBy(() -> TargetArn.parse("arn:aws:glue:us-east-1:000000000000:job/load"))
                .hasMessage("Target ARN arn:aws:glue:us-east-1:000000000000:job/load does not name a Glue workflow (workflow/<name>)");
        assertThatThrownBy(() -> TargetArn.parse("arn:aws:sqs::000000000000:q")).hasMessage("Target ARN arn:aws:sqs::000000000000:q has no region");
        assertThatThrownBy(() -> TargetArn.parse("arn:aws:sqs:us-east-1:000000000000:a/b"))
                .hasMessageStartingWith("Target ARN arn:aws:sqs:us-east-1:000000000000:a/b does not name a queue");
    }
}
