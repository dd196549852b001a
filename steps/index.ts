/**
 * The built-in steps, listed explicitly (vega's transform registry style). A new built-in
 * step is one file in steps/ plus one line here.
 */
import type { StepDefinition } from '../engine/step.js';
import { report } from './report.js';
import { writeTable } from './write-table.js';
import { writeJson } from './write-json.js';
import { paperComparison } from './paper-comparison.js';
import { annualise } from './annualise.js';
import { bindRowsStep } from './bind-rows.js';
import { cellFlags } from './cell-flags.js';
import { concordance } from './concordance.js';
import { controlTotals } from './control-totals.js';
import { derive } from './derive.js';
import { describe } from './describe.js';
import { digitalValueAdded } from './digital-value-added.js';
import { entropyWeight } from './entropy-weight.js';
import { filter } from './filter.js';
import { gras } from './gras.js';
import { impute } from './impute.js';
import { ioCoefficients } from './io-coefficients.js';
import { ioTable } from './io-table.js';
import { ioTotals } from './io-totals.js';
import { join } from './join.js';
import { lag } from './lag.js';
import { leontief } from './leontief.js';
import { locationQuotient } from './location-quotient.js';
import { panelRegression } from './panel-regression.js';
import { moransI } from './morans-i.js';
import { panelGmm } from './panel-gmm.js';
import { panelIv } from './panel-iv.js';
import { panelTests } from './panel-tests.js';
import { panelThreshold } from './panel-threshold.js';
import { panelThresholdChunk } from './panel-threshold-chunk.js';
import { pivotLonger } from './pivot-longer.js';
import { pivotWider } from './pivot-wider.js';
import { practitioners } from './practitioners.js';
import { rank } from './rank.js';
import { ras } from './ras.js';
import { readCollected } from './read-collected.js';
import { readCsv } from './read-csv.js';
import { readXlsx } from './read-xlsx.js';
import { regressionTable } from './regression-table.js';
import { select } from './select.js';
import { spatialPanel } from './spatial-panel.js';
import { spatialWeights } from './spatial-weights.js';
import { selectBenchmark } from './select-benchmark.js';
import { wildBootstrap } from './wild-bootstrap.js';
import { wildBootstrapChunk } from './wild-bootstrap-chunk.js';
import { writeCsv } from './write-csv.js';

export const builtinSteps: StepDefinition[] = [
  annualise,
  bindRowsStep,
  cellFlags,
  concordance,
  controlTotals,
  derive,
  describe,
  digitalValueAdded,
  entropyWeight,
  filter,
  gras,
  impute,
  ioCoefficients,
  ioTable,
  ioTotals,
  join,
  lag,
  leontief,
  locationQuotient,
  panelRegression,
  panelGmm,
  panelIv,
  panelTests,
  panelThreshold,
  panelThresholdChunk,
  wildBootstrap,
  wildBootstrapChunk,
  spatialWeights,
  moransI,
  spatialPanel,
  pivotLonger,
  pivotWider,
  practitioners,
  rank,
  ras,
  readCollected,
  readCsv,
  readXlsx,
  regressionTable,
  select,
  selectBenchmark,
  writeCsv,
  paperComparison,
  writeJson,
  writeTable,
  report,
];
