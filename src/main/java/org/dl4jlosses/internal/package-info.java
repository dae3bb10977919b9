/**
 * The plumbing the losses share (paths, masks, threads, arithmetic): not API. Its classes are
 * public only because the loss packages use them; they may change in any release.
 */
package org.dl4jlosses.internal;
