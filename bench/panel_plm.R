# plm side of bench/panel.bench.ts: times plm(model = "within") on a synthetic panel with
# n rows, k regressors and g groups (same design as the TypeScript side, R's own RNG).
# Usage: Rscript bench/panel_plm.R n k g   -> prints {"plm_ms": ...}
suppressPackageStartupMessages(library(plm))
a <- as.numeric(commandArgs(trailingOnly = TRUE))
n <- a[1]; k <- a[2]; g <- a[3]
set.seed(7)
Tn <- ceiling(n / g)
id <- (seq_len(n) - 1) %/% Tn + 1
tt <- (seq_len(n) - 1) %% Tn + 1
alpha <- runif(g) * 4
X <- matrix(runif(n * k), n, k) + 0.3 * alpha[id]
colnames(X) <- paste0("x", seq_len(k))
y <- alpha[id] + drop(X %*% ((1:k) * 0.1)) + runif(n) - 0.5
d <- data.frame(id = id, t = tt, y = y, X)
pd <- pdata.frame(d, index = c("id", "t"))
f <- as.formula(paste("y ~", paste(colnames(X), collapse = " + ")))
el <- system.time(m <- plm(f, data = pd, model = "within"))[["elapsed"]]
cat(sprintf('{"plm_ms": %.1f}\n', el * 1000))
