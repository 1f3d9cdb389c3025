-- Problem SKUs: each SKU's unit return rate, shrunk toward its product's rate by empirical Bayes
-- (beta-binomial), with a 90% posterior interval, the returned units in excess of its baseline and
-- the refunds they cost, ranked within the shop. Definitions and the why: docs/metrics.md §8.
-- Grain: one row per (shop_id, sku_code) with shipped units. Over all loaded cohorts; the same
-- 子订单 as the unit return rate (shipped, with a cohort date), and only those with a 商家编码.
--
-- Prior: fitted by the method of moments over the SKUs of the SKU's product; over its category's
-- SKUs when the product is thin (fewer than 3 SKUs or 100 shipped units), over the shop's when the
-- category is thin too or unknown. prior_rate m = the level's pooled rate; prior_strength κ from
-- the moment estimate of the intra-class correlation ρ, κ = 1/ρ − 1, at most 1000 and at most the
-- level's shipped units (a prior fitted on N units says no more than N units do), at least 20; 20
-- also when the level has fewer than 3 SKUs (no variance to estimate).
-- Posterior Beta(mκ + y, (1 − m)κ + n − y); shrunk_rate is its mean, interval_low/high its 5% and
-- 95% quantiles, computed numerically on a 1000-cell grid in logit space.
-- baseline_rate: the level's rate without the SKU; excess_returned_units = y − n × baseline_rate.
-- rank: by interval_low descending (the rate we are 95% sure the SKU reaches), then shrunk_rate.
create or replace table marts.problem_skus as
with settings as (
    select
        3 as min_level_skus,
        100 as min_level_units,
        20.0 as min_prior_strength,
        1000.0 as max_prior_strength,
        30 as min_volume,
        1000 as grid_cells,
        12.0 as grid_half_width
),

sku_weekly as (
    select * from marts.sku_weekly
),

sku_reasons as (
    select * from marts.sku_reasons
),

-- Shipped 子订单 with a cohort date, their return and its 退商品金额 (intermediate/int_shipped_lines.sql).
lines as (
    select shop_id, sku_code, product_id, product_name, category, color, size, quantity, is_returned, refund_amount
    from intermediate.int_shipped_lines
    where sku_code is not null
),

-- A SKU's product, name, category, colour and size: those of most of its 子订单 (a 商家编码 filed
-- under two products is a catalogue error; it is not split).
sku_attributes as (
    select shop_id, sku_code, product_id, product_name, category, color, size
    from (
        select shop_id, sku_code, product_id, product_name, category, color, size, count(*) as line_count
        from lines
        group by all
    )
    qualify row_number() over (
        partition by shop_id, sku_code
        order by line_count desc, product_id nulls last, product_name nulls last,
            category nulls last, color nulls last, size nulls last
    ) = 1
),

skus as (
    select
        shop_id,
        sku_code,
        count(*) as shipped_orders,
        sum(quantity)::bigint as shipped_units,
        count(*) filter (where is_returned) as returned_orders,
        coalesce(sum(quantity) filter (where is_returned), 0)::bigint as returned_units,
        -- 退商品金额 of each returned 子订单's attributed after-sale: 0 without returns, NULL when
        -- the export gives no amount for any of them.
        case
            when count(*) filter (where is_returned) = 0 then 0
            else sum(refund_amount)
        end::decimal(18, 2) as refund_amount
    from lines
    group by all
    having sum(quantity) > 0
),

sku_facts as (
    select
        skus.*,
        attributes.product_id,
        attributes.product_name,
        attributes.category,
        attributes.color,
        attributes.size
    from skus
    inner join sku_attributes as attributes
        on attributes.shop_id = skus.shop_id and attributes.sku_code = skus.sku_code
),

-- Every level a SKU could take its prior from; level_key names the group within the shop.
sku_levels as (
    select
        shop_id, sku_code, 'product' as prior_level, 1 as level_order, product_id as level_key,
        shipped_units, returned_units
    from sku_facts
    where product_id is not null
    union all
    select shop_id, sku_code, 'category', 2, category, shipped_units, returned_units
    from sku_facts
    where category is not null
    union all
    select shop_id, sku_code, 'shop', 3, shop_id, shipped_units, returned_units
    from sku_facts
),

level_totals as (
    select
        shop_id,
        prior_level,
        level_key,
        count(*) as level_skus,
        sum(shipped_units)::bigint as level_units,
        sum(returned_units)::bigint as level_returned_units,
        sum(shipped_units::double * shipped_units) as level_units_squared,
        -- Half a return away from 0 and 1, so that a level without returns (or with nothing but)
        -- still has a proper prior.
        least(
            greatest(sum(returned_units) / sum(shipped_units), 0.5 / sum(shipped_units)),
            1 - 0.5 / sum(shipped_units)
        ) as prior_rate
    from sku_levels
    group by all
),

level_fits as (
    select
        totals.*,
        sum(
            levels.shipped_units
            * power(levels.returned_units / levels.shipped_units - totals.prior_rate, 2)
        ) as weighted_squares
    from level_totals as totals
    inner join sku_levels as levels
        on levels.shop_id = totals.shop_id
        and levels.prior_level = totals.prior_level
        and levels.level_key = totals.level_key
    group by all
),

-- Method of moments (Kleinman 1973), n-weighted:
-- E[Σ n(p − m)²] = m(1 − m) × [(k − 1) + ρ × (N − Σn²/N − (k − 1))].
level_priors as (
    select
        fits.*,
        (fits.weighted_squares / (fits.prior_rate * (1 - fits.prior_rate)) - (fits.level_skus - 1))
            / nullif(fits.level_units - fits.level_units_squared / fits.level_units - (fits.level_skus - 1), 0)
            as intraclass_correlation
    from level_fits as fits
),

level_strengths as (
    select
        priors.*,
        case
            when priors.level_skus < settings.min_level_skus or priors.intraclass_correlation is null
                then settings.min_prior_strength
            -- least() skips the NULL of ρ ≤ 0 (no spread beyond chance): the caps apply.
            else greatest(
                settings.min_prior_strength,
                least(
                    case when priors.intraclass_correlation > 0 then 1 / priors.intraclass_correlation - 1 end,
                    settings.max_prior_strength,
                    priors.level_units
                )
            )
        end as prior_strength
    from level_priors as priors
    cross join settings
),

-- Each SKU's level: the first of product, category, shop that is not thin (the shop in the end).
chosen_levels as (
    select levels.sku_code, strengths.*
    from sku_levels as levels
    inner join level_strengths as strengths
        on strengths.shop_id = levels.shop_id
        and strengths.prior_level = levels.prior_level
        and strengths.level_key = levels.level_key
    cross join settings
    where levels.prior_level = 'shop'
        or (strengths.level_skus >= settings.min_level_skus and strengths.level_units >= settings.min_level_units)
    qualify row_number() over (partition by levels.shop_id, levels.sku_code order by levels.level_order) = 1
),

posteriors as (
    select
        facts.*,
        chosen.prior_level,
        chosen.level_skus as prior_skus,
        chosen.level_units as prior_units,
        chosen.level_returned_units as prior_returned_units,
        chosen.prior_rate,
        chosen.prior_strength,
        chosen.prior_rate * chosen.prior_strength + facts.returned_units as alpha,
        (1 - chosen.prior_rate) * chosen.prior_strength + facts.shipped_units - facts.returned_units as beta
    from sku_facts as facts
    inner join chosen_levels as chosen on chosen.shop_id = facts.shop_id and chosen.sku_code = facts.sku_code
),

-- The posterior on a grid in z = logit(rate), where its density ∝ exp(αz − (α + β)·log(1 + e^z)) is
-- smooth and bounded for every α, β > 0: centred on the mode log(α/β), ±12 × √(1/α + 1/β) (about
-- twelve standard deviations), 1000 cells. Densities are taken relative to the mode's.
grid_bounds as (
    select
        posteriors.shop_id,
        posteriors.sku_code,
        posteriors.alpha,
        posteriors.beta,
        ln(posteriors.alpha / posteriors.beta) as z_mode,
        settings.grid_half_width * sqrt(1 / posteriors.alpha + 1 / posteriors.beta) as half_width,
        settings.grid_cells
    from posteriors
    cross join settings
),

grid_cells as (
    select
        bounds.*,
        cells.cell,
        bounds.z_mode - bounds.half_width + 2 * bounds.half_width * cells.cell / bounds.grid_cells as cell_start,
        2 * bounds.half_width / bounds.grid_cells as cell_width,
        bounds.z_mode - bounds.half_width + 2 * bounds.half_width * (cells.cell + 0.5) / bounds.grid_cells
            as midpoint
    from grid_bounds as bounds
    cross join (select range as cell from range((select grid_cells from settings))) as cells
),

grid as (
    select
        shop_id,
        sku_code,
        cell,
        cell_start,
        cell_width,
        exp(
            alpha * (midpoint - z_mode)
            - (alpha + beta) * (
                greatest(midpoint, 0) + ln(1 + exp(-abs(midpoint)))
                - greatest(z_mode, 0) - ln(1 + exp(-abs(z_mode)))
            )
        ) as density
    from grid_cells
),

cumulative as (
    select
        grid.*,
        density / sum(density) over sku as mass,
        sum(density) over sku_up_to_cell / sum(density) over sku as mass_through
    from grid
    window
        sku as (partition by shop_id, sku_code),
        sku_up_to_cell as (partition by shop_id, sku_code order by cell rows unbounded preceding)
),

-- The 5% and 95% points, interpolated within the cell where the cumulative mass crosses them.
quantiles as (
    select
        shop_id,
        sku_code,
        min(cell_start + cell_width * (0.05 - (mass_through - mass)) / mass)
            filter (where mass_through - mass < 0.05 and mass_through >= 0.05) as z_low,
        min(cell_start + cell_width * (0.95 - (mass_through - mass)) / mass)
            filter (where mass_through - mass < 0.95 and mass_through >= 0.95) as z_high
    from cumulative
    group by all
),

latest_spikes as (
    select shop_id, sku_code, max(week) as latest_spike_week
    from sku_weekly
    where is_spike
    group by all
),

top_reasons as (
    select
        shop_id,
        sku_code,
        reason_group as top_reason_group,
        group_share_of_returns as top_reason_group_share
    from sku_reasons
    where group_rank = 1 and rank_in_group = 1
),

measures as (
    select
        posteriors.shop_id,
        posteriors.sku_code,
        posteriors.product_id,
        posteriors.product_name,
        posteriors.category,
        posteriors.color,
        posteriors.size,
        posteriors.shipped_orders,
        posteriors.returned_orders,
        posteriors.shipped_units,
        posteriors.returned_units,
        posteriors.returned_units / posteriors.shipped_units as return_rate,
        posteriors.prior_level,
        posteriors.prior_skus,
        posteriors.prior_units,
        posteriors.prior_rate,
        posteriors.prior_strength,
        posteriors.alpha / (posteriors.alpha + posteriors.beta) as shrunk_rate,
        1 / (1 + exp(-quantiles.z_low)) as interval_low,
        1 / (1 + exp(-quantiles.z_high)) as interval_high,
        (posteriors.prior_returned_units - posteriors.returned_units)
            / nullif(posteriors.prior_units - posteriors.shipped_units, 0) as baseline_rate,
        posteriors.refund_amount,
        top_reasons.top_reason_group,
        top_reasons.top_reason_group_share,
        latest_spikes.latest_spike_week,
        posteriors.shipped_units < settings.min_volume as low_volume
    from posteriors
    cross join settings
    inner join quantiles on quantiles.shop_id = posteriors.shop_id and quantiles.sku_code = posteriors.sku_code
    left join top_reasons
        on top_reasons.shop_id = posteriors.shop_id and top_reasons.sku_code = posteriors.sku_code
    left join latest_spikes
        on latest_spikes.shop_id = posteriors.shop_id and latest_spikes.sku_code = posteriors.sku_code
),

with_excess as (
    select
        measures.*,
        returned_units - shipped_units * baseline_rate as excess_returned_units
    from measures
),

final as (
    select
        row_number() over (
            partition by shop_id order by interval_low desc, shrunk_rate desc, sku_code
        ) as rank,
        shop_id,
        sku_code,
        product_id,
        product_name,
        category,
        color,
        size,
        shipped_orders,
        returned_orders,
        shipped_units,
        returned_units,
        return_rate,
        prior_level,
        prior_skus,
        prior_units,
        prior_rate,
        prior_strength,
        shrunk_rate,
        interval_low,
        interval_high,
        baseline_rate,
        excess_returned_units,
        refund_amount,
        -- The refunds of the excess: the SKU's refund per returned unit × its excess units; 0 when
        -- it returns no more than its baseline, NULL without a baseline.
        case
            when excess_returned_units <= 0 then 0
            else refund_amount * excess_returned_units / returned_units
        end::decimal(18, 2) as excess_refund_amount,
        top_reason_group,
        top_reason_group_share,
        latest_spike_week,
        low_volume
    from with_excess
)

select * from final order by shop_id, rank;
