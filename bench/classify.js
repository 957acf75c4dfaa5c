'use strict';

/*
 * The incident key of an alert, as the daemon computes it: the built daemon's own classifier
 * (dist/) over the repository's config and health models in rules/. The benchmark uses it to
 * know which incidents its traffic must produce, and to give a pre-filled store the keys that
 * the live traffic will meet.
 */

const path = require('node:path');
const { REPO } = require('./processes');

let ruleSet = null;

/** The repository's health models as the daemon loads them (its RuleSet), loaded once. */
function load() {
  if (ruleSet) return ruleSet;
  const dist = (p) => require(path.join(REPO, 'dist', p));
  const { loadConfig } = dist('config/load-config');
  const { loadRuleSet, ruleLoadOptions } = dist('health-model/load-rules');
  const { systemClock } = dist('core/clock');
  const loaded = loadConfig(path.join(REPO, 'config', 'incident-bridge.yaml'), {}, { ...process.env, INCIDENT_BRIDGE_LOG_LEVEL: 'warn' });
  const result = loadRuleSet(ruleLoadOptions(loaded.config, loaded.file, path.join(REPO, 'rules'), systemClock));
  if (!result.ruleSet) throw new Error(`the health models in rules/ do not load: ${JSON.stringify(result.problems.slice(0, 3))}`);
  ruleSet = result.ruleSet;
  return ruleSet;
}

/** `{key, healthModel, metric, priority, impact, category}` of an alert with these labels. */
function classifyLabels(labels) {
  const { classify } = require(path.join(REPO, 'dist', 'health-model', 'classify'));
  const c = classify({ labels }, load());
  return {
    key: c.incidentKey,
    healthModel: c.metric.healthModel.name,
    metric: c.metric.name,
    priority: c.metric.priority,
    impact: c.metric.impact,
    category: c.metric.category,
    groupLabels: c.groupLabels,
  };
}

module.exports = { classifyLabels, loadRules: load };
