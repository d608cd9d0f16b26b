package repository

import (
	"context"
	"iter"
)

// List returns the objects whose keys start with prefix, in ascending byte
// order of keys, one page of the Backend at a time: memory stays bounded
// however many objects match. An error ends the sequence; an invalid
// prefix fails with InvalidArgument.
func (r *Repository) List(ctx context.Context, prefix string) iter.Seq2[Attributes, error] {
	return func(yield func(Attributes, error) bool) {
		if err := ValidatePrefix(prefix); err != nil {
			yield(Attributes{}, err)
			return
		}
		for a, err := range r.list(ctx, prefix) {
			if !yield(a, r.wrap("list", prefix, err)) || err != nil {
				return
			}
		}
	}
}

// list iterates over the Backend's pages without wrapping its errors.
func (r *Repository) list(ctx context.Context, prefix string) iter.Seq2[Attributes, error] {
	return func(yield func(Attributes, error) bool) {
		opts := ListOptions{Prefix: prefix, PageSize: DefaultPageSize}
		for {
			page, err := r.b.List(ctx, opts)
			if err != nil {
				yield(Attributes{}, err)
				return
			}
			for _, a := range page.Objects {
				if !yield(a, nil) {
					return
				}
			}
			if page.NextPageToken == "" {
				return
			}
			opts.PageToken = page.NextPageToken
		}
	}
}

// ListPage returns one page of a listing; see Backend.List.
func (r *Repository) ListPage(ctx context.Context, opts ListOptions) (ListPage, error) {
	if err := ValidatePrefix(opts.Prefix); err != nil {
		return ListPage{}, err
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	page, err := r.b.List(ctx, opts)
	return page, r.wrap("list", opts.Prefix, err)
}
