package io.lakestack.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class S3TestsEnvironmentTest
{
    @Test
    void installsTheSuiteRequirementsButGeventToxAndMunch()
    {
        // s3-tests' requirements.txt as of May 2026
        S3TestsEnvironment.Requirements requirements = S3TestsEnvironment.requirements(List.of(
                "PyYAML", "boto3 >=1.0.0", "botocore", "munch >=2.0.0", "# 0.14 switches to libev, that means bootstrap needs to change too",
                "gevent >=1.0", "isodate >=0.4.4", "requests >=2.23.0", "pytz", "httplib2", "lxml", "pytest", "tox", ""));

        assertThat(requirements.install()).containsExactly("PyYAML", "boto3 >=1.0.0", "botocore", "isodate >=0.4.4", "requests >=2.23.0", "pytz",
                "httplib2", "lxml", "pytest");
        assertThat(requirements.leftOut()).containsOnlyKeys("munch >=2.0.0", "gevent >=1.0", "tox");
    }
}
