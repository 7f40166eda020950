package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiUrlTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:4200",
        "http://127.0.0.1:4200/",
        "http://127.0.0.1:4200/api",
        "http://127.0.0.1:4200/api/",
        "http://127.0.0.1:4200/api/v1",
        "http://127.0.0.1:4200/api/v1/",
        "  HTTP://127.0.0.1:4200/api  "
      })
  void everyFormOfTheBaseUrlBecomesTheV1Base(String given) {
    assertThat(ApiUrl.normalise(given)).isEqualTo("http://127.0.0.1:4200/api/v1");
  }

  @Test
  void aProxyPrefixHttpsAndIpv6AreKept() {
    assertThat(ApiUrl.normalise("https://Example.com/sluice"))
        .isEqualTo("https://example.com/sluice/api/v1");
    assertThat(ApiUrl.normalise("https://example.com/sluice/api/v1"))
        .isEqualTo("https://example.com/sluice/api/v1");
    assertThat(ApiUrl.normalise("http://[::1]:4200")).isEqualTo("http://[::1]:4200/api/v1");
  }

  @Test
  void otherSchemesAndVersionsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> ApiUrl.normalise("ftp://h/"))
        .hasMessageContaining("must start with http:// or https://");
    assertThatThrownBy(() -> ApiUrl.normalise("127.0.0.1:4200"))
        .hasMessageContaining("must start with http:// or https://");
    assertThatThrownBy(() -> ApiUrl.normalise("http://h:1/api/v2"))
        .hasMessageContaining("speaks /api/v1");
    assertThatThrownBy(() -> ApiUrl.normalise("http://h:1/api?x=1")).hasMessageContaining("query");
    assertThatThrownBy(() -> ApiUrl.normalise("http:///api")).hasMessageContaining("no host");
  }

  @Test
  void credentialsInTheUrlAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> ApiUrl.normalise("http://me:s3cret@h:1/api"))
        .hasMessageContaining("api.token")
        .hasMessageNotContaining("s3cret");
  }
}
