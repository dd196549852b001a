/**
 * The label helpers shared by regression-table, paper-comparison and the report. Expected
 * texts are written out by hand from panel-regression's field values (docs/steps/panel.md:
 * model pooled|within|random|between, effect individual|time|twoways, vcov classical|
 * cluster-hc0|cluster-stata).
 */
import { describe, expect, it } from 'vitest';
import { estimatorAdjective, estimatorName, estimatorTag, listText, modelFacts, periodSpan, staleEstimators, vcovPhrase } from '../../../steps/lib/model-label.js';

describe('estimator labels', () => {
  const cases: [string, string | undefined, string, string, string][] = [
    ['pooled', 'individual', 'pooled OLS', 'pooled OLS', 'OLS'],
    ['within', 'individual', 'individual fixed effects', 'individual fixed-effects', 'FE'],
    ['within', 'time', 'time fixed effects', 'time fixed-effects', 'time FE'],
    ['within', 'twoways', 'two-way fixed effects', 'two-way fixed-effects', 'two-way FE'],
    ['random', 'individual', 'individual random effects', 'individual random-effects', 'RE'],
    ['random', undefined, 'individual random effects', 'individual random-effects', 'RE'],
    ['between', 'individual', 'between (group means)', 'between', 'BE'],
    ['first-difference', undefined, 'first-difference', 'first-difference', 'first-difference'],
  ];
  it.each(cases)('%s / %s', (model, effect, name, adjective, tag) => {
    const f = effect === undefined ? { model } : { model, effect };
    expect([estimatorName(f), estimatorAdjective(f), estimatorTag(f)]).toEqual([name, adjective, tag]);
  });

  it('a model without a `model` field has no estimator label', () => {
    expect([estimatorName({}), estimatorAdjective({}), estimatorTag({})]).toEqual([undefined, undefined, undefined]);
  });

  it('reads only string fields of an object', () => {
    expect(modelFacts({ y: 'idt', model: 'within', effect: 'individual', vcov: 'classical', distribution: 't', nobs: 390 })).toEqual({ y: 'idt', model: 'within', effect: 'individual', vcov: 'classical', distribution: 't' });
    expect(modelFacts({ y: 3, model: null })).toEqual({});
    expect(modelFacts([1, 2])).toEqual({});
  });

  it('standard errors: nothing for classical, the clustering otherwise', () => {
    expect(vcovPhrase({ vcov: 'classical' })).toBeUndefined();
    expect(vcovPhrase({})).toBeUndefined();
    expect(vcovPhrase({ vcov: 'cluster-hc0' })).toBe('standard errors clustered by entity (HC0)');
    expect(vcovPhrase({ vcov: 'cluster-stata' })).toBe("standard errors clustered by entity (Stata's small-sample factor)");
    // Every label panel-regression's vcovLabel makes (steps/panel-regression.ts) reads as a phrase.
    expect(vcovPhrase({ vcov: 'cluster-time-stata' })).toBe("standard errors clustered by period (Stata's small-sample factor)");
    expect(vcovPhrase({ vcov: 'cluster-twoway-hc0' })).toBe('standard errors clustered by entity and period (two-way) (HC0)');
    expect(vcovPhrase({ vcov: 'hc-white1-HC1' })).toBe('heteroskedasticity-robust standard errors (White, HC1)');
    expect(vcovPhrase({ vcov: 'hc-white2-HC0-time' })).toBe('heteroskedasticity-robust standard errors with a common variance within each period (white2, HC0)');
    expect(vcovPhrase({ vcov: 'hc-arellano-HC3' })).toBe('standard errors robust to heteroskedasticity and correlation within each entity (Arellano, HC3)');
    expect(vcovPhrase({ vcov: 'driscoll-kraay-HC0-lag2' })).toBe('Driscoll–Kraay standard errors (lag 2, HC0)');
    expect(vcovPhrase({ vcov: 'beck-katz-HC1-time' })).toBe('Beck–Katz panel-corrected standard errors (HC1, by period)');
    expect(vcovPhrase({ vcov: 'cr2' })).toBe('CR2 standard errors clustered by entity, with Satterthwaite degrees of freedom');
    // panel-gmm's and spatial-panel's labels.
    expect(vcovPhrase({ vcov: 'windmeijer' })).toBe('two-step standard errors with the Windmeijer correction');
    expect(vcovPhrase({ vcov: 'information-matrix' })).toBe('standard errors from the information matrix (quasi-maximum likelihood)');
    // steps/wild-bootstrap.ts's label.
    expect(vcovPhrase({ vcov: 'wild cluster bootstrap (WCR, Rademacher, B = 9999)' })).toBe("cluster-robust standard errors (CR1, Stata's small-sample factor) and p values from a wild cluster bootstrap (WCR, Rademacher, B = 9999)");
  });

  it('lists', () => {
    expect([listText([]), listText(['a']), listText(['a', 'b']), listText(['a', 'b', 'c'])]).toEqual(['', 'a', 'a and b', 'a, b and c']);
  });
});

describe('periodSpan', () => {
  it('whole-number years as runs, in order, once each', () => {
    expect(periodSpan([2013, 2011, 2012, 2012, 2023, 2022, 2021, 2020, 2019, 2018, 2017, 2016, 2015, 2014])).toBe('2011–2023');
    expect(periodSpan([2011, 2012, 2013, 2014, 2016, 2017])).toBe('2011–2014, 2016–2017');
    expect(periodSpan([2015, null, 2015])).toBe('2015');
    expect(periodSpan([2011, 2013])).toBe('2011, 2013');
  });

  it('other periods: first–last in sorted order; none: undefined', () => {
    expect(periodSpan(['2021Q2', '2020Q4', '2021Q1'])).toBe('2020Q4–2021Q2');
    expect(periodSpan([null, ''])).toBeUndefined();
    expect(periodSpan([])).toBeUndefined();
  });
});

describe('staleEstimators', () => {
  const fe = { model: 'within' };
  const re = { model: 'random' };
  it('finds an estimator word that fits none of the models', () => {
    expect(staleEstimators('Table 5. Individual fixed-effects regression of idt', [re])).toEqual(['fixed-effects']);
    expect(staleEstimators('idt (FE)', [re])).toEqual(['FE']);
    expect(staleEstimators('Pooled OLS', [fe])).toEqual(['Pooled', 'OLS']);
  });

  it('is quiet when the label fits a model or names no estimator', () => {
    expect(staleEstimators('Table 5. Individual fixed-effects regression of idt', [fe])).toEqual([]);
    expect(staleEstimators('FE and RE side by side', [fe])).toEqual([]);
    expect(staleEstimators('Main results', [re])).toEqual([]);
    // "re" inside words or lower-case is not the RE tag.
    expect(staleEstimators('Regressions re-estimated', [fe])).toEqual([]);
  });
});
