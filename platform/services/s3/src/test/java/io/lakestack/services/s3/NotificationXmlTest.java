package io.lakestack.services.s3;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.DestinationConfiguration;
import io.lakestack.spi.s3.DestinationType;
import io.lakestack.spi.s3.NotificationConfiguration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationXmlTest
{
    private static final String DOCUMENT = """
            <NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <QueueConfiguration>
                <Id>uploads</Id>
                <Queue>arn:aws:sqs:us-east-1:000000000000:uploads</Queue>
                <Event>s3:ObjectCreated:*</Event>
                <Event>s3:ObjectRemoved:*</Event>
                <Filter><S3Key>
                  <FilterRule><Name>prefix</Name><Value>incoming/</Value></FilterRule>
                  <FilterRule><Name>Suffix</Name><Value>.json</Value></FilterRule>
                </S3Key></Filter>
              </QueueConfiguration>
              <CloudFunctionConfiguration>
                <CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:indexer</CloudFunction>
                <Event>s3:ObjectCreated:Put</Event>
              </CloudFunctionConfiguration>
              <EventBridgeConfiguration/>
            </NotificationConfiguration>
            """;

    @Test
    void parsesEveryPartAndNamesUnnamedConfigurations()
    {
        NotificationConfiguration configuration = NotificationXml.parse(DOCUMENT.getBytes(StandardCharsets.UTF_8), () -> "generated-1");

        assertThat(configuration).isEqualTo(new NotificationConfiguration(List.of(
                new DestinationConfiguration("uploads", DestinationType.QUEUE, "arn:aws:sqs:us-east-1:000000000000:uploads",
                        List.of("s3:ObjectCreated:*", "s3:ObjectRemoved:*"), Optional.of("incoming/"), Optional.of(".json")),
                new DestinationConfiguration("generated-1", DestinationType.LAMBDA_FUNCTION, "arn:aws:lambda:us-east-1:000000000000:function:indexer",
                        List.of("s3:ObjectCreated:Put"), Optional.empty(), Optional.empty())), true));
    }

    @Test
    void writesWhatItReads()
    {
        NotificationConfiguration configuration = NotificationXml.parse(DOCUMENT.getBytes(StandardCharsets.UTF_8), () -> "generated-1");
        String written = NotificationXml.write(configuration);

        assertThat(written).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<QueueConfiguration><Id>uploads</Id><Queue>arn:aws:sqs:us-east-1:000000000000:uploads</Queue>"
                + "<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>"
                + "<Filter><S3Key><FilterRule><Name>Prefix</Name><Value>incoming/</Value></FilterRule>"
                + "<FilterRule><Name>Suffix</Name><Value>.json</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
                + "<CloudFunctionConfiguration><Id>generated-1</Id><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:indexer</CloudFunction>"
                + "<Event>s3:ObjectCreated:Put</Event></CloudFunctionConfiguration>"
                + "<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>");
        assertThat(NotificationXml.parse(written.getBytes(StandardCharsets.UTF_8), () -> "unused")).isEqualTo(configuration);
    }

    @Test
    void refusesMalformedDocuments()
    {
        assertThatThrownBy(() -> NotificationXml.parse("<NotificationConfiguration><Queue".getBytes(StandardCharsets.UTF_8), () -> "x"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("MalformedXML"));
        assertThatThrownBy(() -> NotificationXml.parse("<NotificationConfiguration><QueueConfiguration><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>"
                .getBytes(StandardCharsets.UTF_8), () -> "x"))
                .hasMessage("The XML you provided was not well-formed or did not validate against our published schema: QueueConfiguration requires a Queue element");
        assertThatThrownBy(() -> NotificationXml.parse(("<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue>"
                + "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter>"
                + "</QueueConfiguration></NotificationConfiguration>").getBytes(StandardCharsets.UTF_8), () -> "x"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidArgument"))
                .hasMessage("filter rule name must be either prefix or suffix, not 'middle'");
        assertThatThrownBy(() -> NotificationXml.parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><NotificationConfiguration>&e;</NotificationConfiguration>"
                .getBytes(StandardCharsets.UTF_8), () -> "x"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("MalformedXML"));
    }

    @Test
    void encodesKeysInEventRecordsAsS3Does()
    {
        assertThat(S3EventDocuments.encodeKey("data/year=2024/my file+1.json")).isEqualTo("data/year%3D2024/my+file%2B1.json");
        assertThat(S3EventDocuments.encodeKey("plain/key.txt")).isEqualTo("plain/key.txt");
    }
}
