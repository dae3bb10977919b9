/**
 * Evaluation of embeddings: retrieval metrics as pytorch-metric-learning's
 * {@code AccuracyCalculator} defines them (precision@1, R-precision, MAP@R) with recall@k and MRR,
 * verification metrics (ROC-AUC, equal error rate) from genuine and impostor scores, and a training
 * listener that watches an embedding loss's batches (active triplets and pairs, collapse).
 */
package org.dl4jlosses.evaluation;
