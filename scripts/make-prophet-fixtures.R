#!/usr/bin/env Rscript
# Generates the reference fixtures in tests/fixtures/prophet/ with R Prophet
# (Debian's r-cran-prophet). Not run in CI: the CSVs it writes are committed.
#
#   Rscript scripts/make-prophet-fixtures.R [out_dir]
#
# For each series NAME it writes:
#   NAME_input.csv     ds,y (the training data; the holdout series also has its 30 held-out days)
#   NAME_prophet.csv   ds,yhat,yhat_lower,yhat_upper,trend,weekly,yearly,holidays for history + 30 days
#   NAME_params.csv    name,value: Prophet's fitted k, m, delta_*, sigma_obs, beta_<column name>,
#                      plus y_scale and the settings the C++ test must mirror (holdout, cap: 0 = linear growth)
#   holidays.csv       ds,holiday,lower_window,upper_window (used by the "holidays" series)
suppressPackageStartupMessages(library(prophet))

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else "tests/fixtures/prophet"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

n_days <- 1096
ds <- seq(as.Date("2021-01-01"), by = "day", length.out = n_days)
t <- seq_len(n_days) - 1
doy <- as.numeric(format(ds, "%j"))
dow <- as.numeric(format(ds, "%u"))  # 1 = Monday
weekly_shape <- c(0.0, 0.1, 0.15, 0.2, 0.4, 1.0, 0.8)[dow]
yearly_shape <- sin(2 * pi * doy / 365.25) + 0.4 * cos(4 * pi * doy / 365.25)

set.seed(20240601)
series <- list()

# 1. Linear trend with two slope changes, mild weekly pattern.
trend1 <- 100 + 0.05 * t + ifelse(t > 400, 0.15 * (t - 400), 0) - ifelse(t > 800, 0.3 * (t - 800), 0)
series$linear_changepoints <- list(y = trend1 + 3 * weekly_shape + rnorm(n_days, 0, 2), mode = "additive", holidays = FALSE)

# 2. Strong weekly and yearly seasonality on a slow trend.
series$seasonal <- list(y = 500 + 0.1 * t + 60 * weekly_shape + 80 * yearly_shape + rnorm(n_days, 0, 10),
                        mode = "additive", holidays = FALSE)

# 3. Multiplicative seasonality on a growing trend.
trend3 <- 50 + 0.2 * t
series$multiplicative <- list(y = trend3 * (1 + 0.3 * weekly_shape + 0.25 * yearly_shape) + rnorm(n_days, 0, 3),
                              mode = "multiplicative", holidays = FALSE)

# 4. Holidays: spikes on fixed dates with a window, plus weekly pattern.
holiday_dates <- c(as.Date(paste0(2021:2024, "-12-25")), as.Date(paste0(2021:2024, "-07-04")),
                   as.Date(c("2021-11-26", "2022-11-25", "2023-11-24", "2024-11-29")))
holidays <- data.frame(
  ds = holiday_dates,
  holiday = rep(c("christmas", "independence", "black_friday"), each = 4),
  lower_window = rep(c(-1, 0, 0), each = 4),
  upper_window = rep(c(1, 0, 2), each = 4))
bump <- numeric(n_days)
for (i in seq_len(nrow(holidays))) {
  for (off in holidays$lower_window[i]:holidays$upper_window[i]) {
    idx <- which(ds == holidays$ds[i] + off)
    size <- switch(holidays$holiday[i], christmas = 80, independence = 40, black_friday = 120)
    bump[idx] <- bump[idx] + size * (1 - 0.3 * abs(off))
  }
}
series$holidays <- list(y = 200 + 0.05 * t + 20 * weekly_shape + 15 * yearly_shape + bump + rnorm(n_days, 0, 5),
                        mode = "additive", holidays = TRUE)
write.csv(data.frame(ds = format(holidays$ds), holiday = holidays$holiday, lower_window = holidays$lower_window,
                     upper_window = holidays$upper_window),
          file.path(out_dir, "holidays.csv"), row.names = FALSE, quote = FALSE)

# 5. Holdout: fit on all but the last 30 days, score MAE on those 30.
series$holdout <- list(y = 300 + 0.08 * t + ifelse(t > 600, -0.1 * (t - 600), 0) + 25 * weekly_shape +
                         30 * yearly_shape + rnorm(n_days, 0, 6),
                       mode = "additive", holidays = FALSE, holdout = 30)

# 6. Logistic growth towards a capacity of 1000.
series$logistic <- list(y = 1000 / (1 + exp(-(t - 500) / 120)) + 30 * weekly_shape + rnorm(n_days, 0, 15),
                        mode = "additive", holidays = FALSE, cap = 1000)

fmt <- function(x) formatC(x, digits = 10, format = "g")

for (name in names(series)) {
  s <- series[[name]]
  df <- data.frame(ds = ds, y = s$y)
  write.csv(data.frame(ds = format(df$ds), y = fmt(df$y)), file.path(out_dir, paste0(name, "_input.csv")),
            row.names = FALSE, quote = FALSE)
  holdout <- if (is.null(s$holdout)) 0 else s$holdout
  train <- df[seq_len(n_days - holdout), ]
  growth <- if (is.null(s$cap)) "linear" else "logistic"
  if (!is.null(s$cap)) train$cap <- s$cap
  set.seed(7)
  m <- prophet(train, growth = growth, seasonality.mode = s$mode, holidays = if (s$holidays) holidays else NULL,
               uncertainty.samples = 1000, interval.width = 0.8)
  future <- make_future_dataframe(m, periods = 30)
  if (!is.null(s$cap)) future$cap <- s$cap
  fc <- predict(m, future)
  col_or_zero <- function(c) if (c %in% names(fc)) fc[[c]] else rep(0, nrow(fc))
  out <- data.frame(ds = format(as.Date(fc$ds)), yhat = fmt(fc$yhat), yhat_lower = fmt(fc$yhat_lower),
                    yhat_upper = fmt(fc$yhat_upper), trend = fmt(fc$trend), weekly = fmt(col_or_zero("weekly")),
                    yearly = fmt(col_or_zero("yearly")), holidays = fmt(col_or_zero("holidays")))
  write.csv(out, file.path(out_dir, paste0(name, "_prophet.csv")), row.names = FALSE, quote = FALSE)

  features <- prophet:::make_all_seasonality_features(m, m$history)
  cols <- names(features$seasonal.features)
  p <- m$params
  rows <- data.frame(name = c("k", "m", paste0("delta_", seq_along(p$delta)), "sigma_obs", paste0("beta_", cols),
                              "y_scale", "holdout", "n_changepoints", "cap"),
                     value = fmt(c(p$k, p$m, as.numeric(p$delta), p$sigma_obs, as.numeric(p$beta), m$y.scale,
                                   holdout, m$n.changepoints, if (is.null(s$cap)) 0 else s$cap)))
  write.csv(rows, file.path(out_dir, paste0(name, "_params.csv")), row.names = FALSE, quote = FALSE)
  if (holdout > 0) {
    test <- df[(n_days - holdout + 1):n_days, ]
    pred <- fc[as.Date(fc$ds) %in% test$ds, ]
    cat(sprintf("%s: Prophet holdout MAE %.4f\n", name, mean(abs(test$y - pred$yhat))))
  }
  cat(sprintf("%s: done (%d rows)\n", name, nrow(out)))
}
