package io.lakestack.it.contract;

import io.lakestack.spi.ServiceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Assertions the contract suites share. */
final class ContractAssertions
{
    private ContractAssertions() {}

    /** The call fails with a {@link ServiceException} of exactly this AWS error code. */
    static void assertError(Runnable call, String errorCode)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(errorCode));
    }

    /** The call fails with a {@link ServiceException} of exactly this AWS error code, whose message names the resource. */
    static void assertError(Runnable call, String errorCode, String resource)
    {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(errorCode))
                .hasMessageContaining(resource);
    }
}
