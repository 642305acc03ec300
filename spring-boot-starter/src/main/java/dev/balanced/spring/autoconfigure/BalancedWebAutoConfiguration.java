package dev.balanced.spring.autoconfigure;

import dev.balanced.servlet.BalancedFilter;
import dev.balanced.spring.BalancedProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * In a servlet web application: the token filter, registered early (before Spring Security's
 * chain), so that each request runs in its own pinning context and a user's next request reads
 * their own writes; and {@code @UsePrimary} on MVC controllers.
 */
@AutoConfiguration(after = BalancedAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({BalancedFilter.class, FilterRegistrationBean.class})
@ConditionalOnBean(dev.balanced.spi.BalancedRuntime.class)
@ConditionalOnProperty(prefix = "balanced.web", name = "enabled", matchIfMissing = true)
public class BalancedWebAutoConfiguration {

  @Bean
  FilterRegistrationBean<BalancedFilter> balancedFilter(BalancedProperties properties) {
    BalancedProperties.Web web = properties.getWeb();
    FilterRegistrationBean<BalancedFilter> registration =
        new FilterRegistrationBean<>(BalancedFilter.configured(initParams(web)));
    registration.setName("balancedFilter");
    registration.setOrder(web.getFilterOrder());
    registration.addUrlPatterns("/*");
    return registration;
  }

  /**
   * {@code balanced.web.*} as the filter's init-params, which the filter's own binder validates;
   * its errors name the init-param, which {@link BalancedFailureAnalyzer} names in Boot's form.
   */
  static Map<String, String> initParams(BalancedProperties.Web web) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("cookieName", web.getCookieName());
    params.put("headerName", web.getHeaderName());
    params.put("cookieSecure", web.getCookieSecure());
    if (web.getCookiePath() != null) {
      params.put("cookiePath", web.getCookiePath());
    }
    if (!web.getMasterParams().isEmpty()) {
      params.put("masterParams", String.join(",", web.getMasterParams()));
    }
    params.put("masterParamsInForm", String.valueOf(web.isMasterParamsInForm()));
    if (!web.getPrimaryPaths().isEmpty()) {
      params.put("primaryPaths", String.join(",", web.getPrimaryPaths()));
    }
    // The filter's own lookup reads servlet classes; MVC handlers are the interceptor's.
    params.put("usePrimaryAnnotation", String.valueOf(web.isUsePrimaryAnnotation()));
    if (web.getTokenStore() != null) {
      params.put("tokenStore", web.getTokenStore());
    }
    return params;
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebMvcConfigurer.class)
  @ConditionalOnProperty(
      prefix = "balanced.web",
      name = "use-primary-annotation",
      matchIfMissing = true)
  static class UsePrimaryOnControllers implements WebMvcConfigurer {
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
      registry.addInterceptor(new UsePrimaryInterceptor()).order(Ordered.HIGHEST_PRECEDENCE);
    }
  }
}
